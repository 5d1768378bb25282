import { parseArgs } from "node:util";
import { htpasswdLine } from "./auth/htpasswd.ts";
import { defaultConfig, loadConfig, type RegistryConfig } from "./config.ts";
import { collectGarbage } from "./gc.ts";
import { serve } from "./main.ts";

const usage = `Usage:
  wharf-registry serve [config.yml] [--addr HOST:PORT] [--root DIR]
  wharf-registry gc [config.yml] [--root DIR] [--dry-run] [--delete-untagged]
  wharf-registry htpasswd USER    (reads the password from stdin, prints an htpasswd line)
`;

/**
 * The wharf-registry command line. Resolves to an exit code, or undefined
 * for `serve`, which runs until SIGINT/SIGTERM.
 */
export async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      addr: { type: "string" },
      root: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "delete-untagged": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || command === undefined || command === "help") {
    process.stdout.write(usage);
    return command === undefined ? 1 : 0;
  }
  switch (command) {
    case "serve": {
      const config = await configFrom(positionals[0], values);
      const reg = await serve(config, {
        access: (l) => process.stdout.write(`${l}\n`),
        error: (l) => process.stderr.write(`wharf-registry: ${l}\n`),
      });
      process.stderr.write(
        `wharf-registry: listening on ${reg.url}, root ${config.storage === "memory" ? "(memory)" : config.root}\n`,
      );
      const stop = (): void => {
        reg.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      return undefined;
    }
    case "gc": {
      const config = await configFrom(positionals[0], values);
      const report = await collectGarbage(config.root, {
        dryRun: values["dry-run"],
        deleteUntagged: values["delete-untagged"],
        log: (l) => process.stdout.write(`${l}\n`),
      });
      process.stdout.write(
        `${values["dry-run"] ? "would delete" : "deleted"} ${report.blobs.length} blobs, ${report.manifests.length} manifests, ${report.uploads.length} uploads\n`,
      );
      return 0;
    }
    case "htpasswd": {
      const user = positionals[0];
      if (user === undefined) throw new Error("htpasswd needs a USER");
      const password = (await readStdin()).replace(/\r?\n$/, "");
      if (password === "") throw new Error("htpasswd: empty password on stdin");
      process.stdout.write(`${await htpasswdLine(user, password)}\n`);
      return 0;
    }
    default:
      process.stderr.write(
        `wharf-registry: unknown command ${command}\n${usage}`,
      );
      return 1;
  }
}

async function configFrom(
  file: string | undefined,
  flags: { addr?: string | undefined; root?: string | undefined },
): Promise<RegistryConfig> {
  const config = file !== undefined ? await loadConfig(file) : defaultConfig();
  if (flags.addr !== undefined) config.addr = flags.addr;
  if (flags.root !== undefined) {
    config.root = flags.root;
    config.storage = "filesystem";
  }
  return config;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
