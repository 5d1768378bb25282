import { InvalidArgumentError, NotFoundError } from "../../util/errors.ts";

/** Docker's volume-name rule (moby volume/local: [a-zA-Z0-9][a-zA-Z0-9_.-]+). */
const VOLUME_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A plugin or driver name: like a volume name, plus an optional :tag; never a path. */
const DRIVER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*(:[a-zA-Z0-9_.-]+)?$/;

/**
 * Checks a volume name before it becomes a directory under the data root.
 * Throws InvalidArgumentError with Docker's text for anything with `/`,
 * `..` or other characters outside the rule.
 */
export function checkVolumeName(name: string): void {
  if (name.length === 1 && /^[a-zA-Z0-9]$/.test(name))
    throw new InvalidArgumentError(
      `create ${name}: volume name is too short, names should be at least two alphanumeric characters`,
    );
  // compat: Docker's wording, including the hint about host directories.
  if (!VOLUME_NAME_RE.test(name) || name.includes(".."))
    throw new InvalidArgumentError(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
}

/**
 * Checks a driver (plugin) name before plugin discovery builds paths from
 * it. Docker's v1 discovery joins the name onto its plugin directories and
 * follows `../` out of them (moby/moby#52957); wharf refuses such names.
 * Throws NotFoundError as Docker does for an unknown plugin.
 */
export function checkDriverName(name: string): void {
  if (!DRIVER_NAME_RE.test(name) || name.includes(".."))
    throw new NotFoundError(
      `error looking up volume plugin ${name}: plugin "${name}" not found`,
    );
}

/** True for Docker's 64-hex generated names of anonymous volumes. */
export function isGeneratedName(name: string): boolean {
  return /^[0-9a-f]{64}$/.test(name);
}
