/**
 * The table of log drivers wharf runs, and the checks a LogConfig goes
 * through at create and in daemon.json (moby's logger.ValidateLogOpts):
 * common options first (mode, max-buffer-size), then the name, then the
 * driver's own option names. Docker's other drivers (awslogs, fluentd,
 * gelf, …) are known names that answer 501.
 */
import { LOG_DRIVERS } from "../../conventions/log-drivers.ts";
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import type { LogDriver } from "./driver.ts";
import { journald } from "./journald.ts";
import { jsonFile } from "./json-file.ts";
import { local } from "./local.ts";
import { checkCommonOpts } from "./options.ts";
import { syslog } from "./syslog.ts";

const none: LogDriver = {
  name: "none",
  validate: () => undefined,
  open: () =>
    Promise.resolve({
      log: () => Promise.resolve(),
      close: () => Promise.resolve(),
    }),
};

/** Every driver wharf implements, by name. */
export const DRIVERS: ReadonlyMap<string, LogDriver> = new Map(
  [jsonFile, local, syslog, journald, none].map((d) => [d.name, d]),
);

/**
 * Checks a LogConfig (type already defaulted) as dockerd does at create.
 * Throws InvalidArgumentError with dockerd's text for an unknown driver or
 * option, NotImplementedError for a Docker driver wharf lacks.
 */
export function validateLogConfig(
  type: string,
  config: Record<string, string>,
): LogDriver {
  // compat: moby validates nothing for none.
  if (type === "none") return none;
  try {
    checkCommonOpts(config);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  const d = DRIVERS.get(type);
  if (!d) {
    if (LOG_DRIVERS.includes(type))
      throw new NotImplementedError(
        `not implemented: logging driver "${type}"`,
      );
    throw new InvalidArgumentError(
      `logger: no log driver named '${type}' is registered`,
    );
  }
  try {
    d.validate(config);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return d;
}

/** The driver of a name (unknown names: json-file's reader is never used for them). */
export function driverOf(type: string): LogDriver | undefined {
  return DRIVERS.get(type === "" ? "json-file" : type);
}
