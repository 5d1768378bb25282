/**
 * Running as the Docker CLI's compose plugin: the CLI calls the plugin with
 * its own global flags first (`-H unix:///x compose up -d`, `--context c
 * compose ps`). This turns that into wharf's argv with the daemon the Docker
 * CLI would use, resolved as the CLI does: -H; else --context; else
 * DOCKER_HOST; else DOCKER_CONTEXT; else the config's currentContext; else
 * the default context (DOCKER_HOST or unix:///var/run/docker.sock).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { StatusError } from "../../command.ts";

const WITH_VALUE = new Set([
  "-H",
  "--host",
  "-c",
  "--context",
  "--config",
  "-l",
  "--log-level",
  "--tlscacert",
  "--tlscert",
  "--tlskey",
]);
const DOCKER_DEFAULT_HOST = "unix:///var/run/docker.sock";

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** The host of a named Docker CLI context. Throws StatusError when it does not exist. */
export function contextHost(
  name: string,
  configDir: string,
  env: NodeJS.ProcessEnv,
): string {
  if (name === "default") return env.DOCKER_HOST || DOCKER_DEFAULT_HOST;
  const id = createHash("sha256").update(name).digest("hex");
  const meta = readJson(join(configDir, "contexts", "meta", id, "meta.json"));
  const host = (meta?.Endpoints as { docker?: { Host?: string } } | undefined)
    ?.docker?.Host;
  if (!host) throw new StatusError(`context "${name}" does not exist`, 1);
  return host;
}

/** Turns the Docker CLI's plugin argv into wharf's: ["-H", host, "compose", …]. */
export function pluginArgv(argv: string[], env: NodeJS.ProcessEnv): string[] {
  const flags = new Map<string, string>();
  let i = 0;
  for (; i < argv.length && argv[i] !== "compose"; i++) {
    const a = argv[i] ?? "";
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (WITH_VALUE.has(name))
      flags.set(
        name.replace(/^-H$/, "--host").replace(/^-c$/, "--context"),
        eq > 0 ? a.slice(eq + 1) : (argv[++i] ?? ""),
      );
  }
  const rest = argv.slice(i + 1);
  const configDir =
    flags.get("--config") ?? env.DOCKER_CONFIG ?? join(homedir(), ".docker");
  let host = flags.get("--host");
  if (!host) {
    const named =
      flags.get("--context") ??
      (env.DOCKER_HOST
        ? undefined
        : (env.DOCKER_CONTEXT ??
          (readJson(join(configDir, "config.json"))?.currentContext as
            string | undefined)));
    host = named
      ? contextHost(named, configDir, env)
      : env.DOCKER_HOST || DOCKER_DEFAULT_HOST;
  }
  return ["-H", host, "compose", ...rest];
}
