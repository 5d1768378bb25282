/** Docker's size syntax for byte-valued flags. */
import { ramInBytes as parseRam } from "../../../conventions/size.ts";
import { StatusError } from "../../command.ts";

/**
 * Bytes of a size flag ("1g", "512m", "100k", bytes) read with Docker's
 * RAMInBytes. Throws StatusError 125 naming the flag, as the Docker CLI does.
 */
export function ramInBytes(value: string, flag = "-m, --memory"): number {
  try {
    return parseRam(value);
  } catch (err) {
    throw new StatusError(
      `invalid argument "${value}" for "${flag}" flag: ${(err as Error).message}`,
      125,
    );
  }
}
