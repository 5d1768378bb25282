/** Docker's size syntax for byte-valued flags. */
import { StatusError } from "../../command.ts";

/** Parses "1g", "512m", "100k" or bytes, as Docker's RAMInBytes. Throws StatusError. */
export function ramInBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(value.trim());
  if (!m)
    throw new StatusError(
      `invalid argument "${value}" for "-m, --memory" flag: invalid size: '${value}'`,
      125,
    );
  const unit = ["", "k", "m", "g", "t", "p"].indexOf(
    (m[2] ?? "").toLowerCase(),
  );
  return Math.round(Number(m[1]) * 1024 ** unit);
}
