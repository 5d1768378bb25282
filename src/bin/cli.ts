/** Entry point of the wharf CLI: runs cli/main.ts and exits with its code. */
import { pluginArgv } from "../cli/commands/compose/plugin.ts";
import { main } from "../cli/main.ts";
import { errorMessage } from "../util/errors.ts";

let argv = process.argv.slice(2);
// bin/docker-compose (the Docker CLI plugin) sets this: argv is the Docker CLI's.
if (process.env.WHARF_COMPOSE_PLUGIN)
  try {
    argv = pluginArgv(argv, process.env);
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n`);
    process.exit(1);
  }

void main(argv, {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  // compat: like the Docker CLI, exit at once even if stdin is still being read.
  // stdout and stderr are synchronous for files, pipes and TTYs on Linux, so nothing is lost.
  process.exit(code);
});
