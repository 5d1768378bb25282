import { main } from "../registry/server/command.ts";

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `wharf-registry: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
