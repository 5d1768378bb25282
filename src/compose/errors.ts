/**
 * ComposeError: a problem in the user's project (file, key, value), reported
 * before anything is created. The message names the file, the line when known,
 * and the key path, as `docker compose` does ("compose.yaml:3: services.web
 * additional property foo is not allowed").
 */
import { InvalidArgumentError } from "../util/errors.ts";

/** Where in a compose file a problem sits. */
export type Location = {
  file: string;
  line?: number | undefined;
  path: (string | number)[];
};

/** Renders a key path as compose does: services.web.ports[0] → "services.web.ports.0". */
export function keyPath(path: (string | number)[]): string {
  return path.map(String).join(".");
}

/** A user error in a compose project; `where` carries file, line and key. */
export class ComposeError extends InvalidArgumentError {
  override name = "ComposeError";
  readonly where: Location | undefined;
  constructor(message: string, where?: Location) {
    const at = where
      ? `${where.file}${where.line ? `:${where.line}` : ""}: ${where.path.length ? `${keyPath(where.path)} ` : ""}`
      : "";
    super(`${at}${message}`);
    this.where = where;
  }
}
