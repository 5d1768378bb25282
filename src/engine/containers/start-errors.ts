import {
  InvalidArgumentError,
  WharfError,
  errorMessage,
} from "../../util/errors.ts";

/**
 * Rewrites crun's wording into runc's, which the Docker CLI parses to pick
 * exit code 127 or 126 ("executable file not found", "permission denied").
 */
export function translateStartError(err: unknown): Error {
  // Taxonomy errors (InvalidArgument, networking's Conflict…) carry Docker's own text.
  if (err instanceof WharfError) return err;
  const msg = errorMessage(err);
  if (msg.startsWith("failed to initialize logging driver"))
    return err as Error;
  const nf = /executable file `([^`]*)` not found/.exec(msg);
  if (nf)
    return new InvalidArgumentError(
      `failed to create task for container: OCI runtime create failed: exec: "${nf[1]}": executable file not found in $PATH: unknown`,
    );
  if (/no such file or directory/i.test(msg) && /exec/i.test(msg))
    return new InvalidArgumentError(
      `failed to create task for container: OCI runtime create failed: ${msg.replace(/No such file/, "no such file")}: unknown`,
    );
  if (/permission denied/i.test(msg))
    return new InvalidArgumentError(
      `failed to create task for container: OCI runtime create failed: ${msg.replace(/Permission denied/, "permission denied")}: unknown`,
    );
  return new Error(
    `failed to create task for container: OCI runtime create failed: ${msg}: unknown`,
  );
}
