/** Entry point of the wharf CLI: runs cli/main.ts and exits with its code. */
import { main } from "../cli/main.ts";

void main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  // compat: like the Docker CLI, exit at once even if stdin is still being read.
  // stdout and stderr are synchronous for files, pipes and TTYs on Linux, so nothing is lost.
  process.exit(code);
});
