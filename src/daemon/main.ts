import { readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { readFileSync } from "node:fs";
import { listenAddresses } from "./listen.ts";
import { ApiServer, type Listen } from "../server/server.ts";
import { errorMessage, isErrno } from "../util/errors.ts";
import { Logger } from "../util/log.ts";
import { WHARF_VERSION } from "../engine/system/index.ts";
import { loadConfig, parseArgs, usage } from "./config.ts";
import { wire } from "./wire.ts";
import { AuditLog } from "./audit-log.ts";
import { peerCred } from "./peer-cred.ts";
import { idleReclaim } from "./idle-reclaim.ts";

/**
 * wharfd's entry: parse flags and config, take the pidfile, wire services,
 * restore state, listen. SIGTERM/SIGINT stop the API; containers live on
 * (conmon is double-forked) and are picked up again at the next start.
 * Returns the process exit code.
 */
export async function main(argv: string[]): Promise<number> {
  const log = new Logger("info");
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n`);
    return 125;
  }
  if (parsed.action === "help") {
    process.stdout.write(usage);
    return 0;
  }
  if (parsed.action === "version") {
    process.stdout.write(`wharfd version ${WHARF_VERSION}\n`);
    return 0;
  }
  let config;
  try {
    config = await loadConfig(parsed.flags);
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n`);
    return 1;
  }
  if (parsed.action === "validate") {
    process.stdout.write("configuration OK\n");
    return 0;
  }
  log.setLevel(config.logLevel);
  try {
    await takePidfile(config.pidfile);
  } catch (err) {
    log.error(errorMessage(err));
    return 1;
  }
  let addresses: Listen[];
  try {
    addresses = await listenAddresses(config, log);
  } catch (err) {
    log.error(errorMessage(err));
    return 1;
  }
  let daemon;
  try {
    daemon = await wire(config, log);
  } catch (err) {
    log.error(errorMessage(err));
    return 1;
  }
  const wired = daemon;
  const flags = parsed.flags;
  // dockerd's SIGHUP: re-read daemon.json and apply the keys it reloads.
  const onHup = (): void =>
    void loadConfig(flags)
      .then((next) => {
        const changes = wired.reload(next);
        log.info(
          changes.length
            ? `reloaded configuration: ${changes.join("; ")}`
            : "reloaded configuration: nothing changed",
        );
      })
      .catch((err: unknown) =>
        log.error(
          `reloading the configuration failed, keeping the running one: ${errorMessage(err)}`,
        ),
      );
  process.on("SIGHUP", onHup);
  let audit;
  try {
    audit = config.extra.auditLog
      ? { sink: new AuditLog(config.extra.auditLog), peerCred }
      : undefined;
  } catch (err) {
    log.error(`audit log: ${errorMessage(err)}`);
    return 1;
  }
  // Memory a start-up or a burst of requests left behind goes back to the kernel once quiet.
  const reclaim = idleReclaim(log);
  const server = new ApiServer(daemon.router, log, audit, () =>
    reclaim.activity(),
  );
  await server.listen(addresses);
  log.info("API listen on " + config.hosts.join(", "), {
    version: WHARF_VERSION,
    pid: process.pid,
  });
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  process.off("SIGHUP", onHup);
  log.info("shutting down: containers keep running");
  reclaim.close();
  await server.close();
  await daemon.close();
  await rm(config.pidfile, { force: true });
  return 0;
}

/** Writes our pid, refusing when another live wharfd holds the file (dockerd's pidfile rule). */
async function takePidfile(path: string): Promise<void> {
  try {
    const pid = Number((await readFile(path, "utf8")).trim());
    if (pid > 0 && pid !== process.pid && alive(pid))
      throw new Error(
        `pid file found, ensure wharfd is not running or delete ${path}`,
      );
  } catch (err) {
    if (!isErrno(err, "ENOENT")) throw err;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${process.pid}\n`);
}

/**
 * True when pid is a live wharfd. A zombie is dead (PID 1 on some machines
 * never reaps, so kill(pid, 0) would still succeed), and a reused pid that
 * runs another program does not hold the pidfile.
 */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(
      stat.lastIndexOf(")") + 2,
      stat.lastIndexOf(")") + 3,
    );
    if (state === "Z" || state === "X") return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("wharfd");
  } catch {
    return false;
  }
}
