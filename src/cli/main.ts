/**
 * The wharf CLI entry: global flags, command lookup (with aliases), flag
 * parsing, help, and the one place errors become exit codes and stderr text.
 * Docker's exit codes: 0 success, 1 command or daemon error, 125 bad flags
 * (and run/create failures, set by those commands), the container's own code
 * for run, start -a and wait.
 */
import { ClientError, ConnectionError, EngineClient } from "../client/index.ts";
import { errorMessage } from "../util/errors.ts";
import { ALIASES, aliasesOf } from "./aliases.ts";
import { StatusError, type Command, type Io } from "./command.ts";
import { COMMANDS, GROUPS } from "./commands/index.ts";
import {
  resolveEndpoint,
  type ConnectionFlags,
  type Endpoint,
} from "./contexts/endpoint.ts";
import { FlagError, flagUsages, parseFlags, type FlagSpec } from "./flags.ts";
import { TemplateError } from "./format/template.ts";

/** The CLI's own version. */
export const CLI_VERSION = "0.1.0";
const PROGRAM = "wharf";

const GLOBAL_FLAGS: FlagSpec[] = [
  {
    name: "host",
    short: "H",
    type: "list",
    description: "Daemon socket to connect to",
  },
  {
    name: "context",
    short: "c",
    type: "string",
    description:
      'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "wharf context use")',
  },
  { name: "tls", type: "bool", description: "Use TLS; implied by --tlsverify" },
  {
    name: "tlscacert",
    type: "string",
    description: "Trust certs signed only by this CA",
    default: "~/.docker/ca.pem",
  },
  {
    name: "tlscert",
    type: "string",
    description: "Path to TLS certificate file",
    default: "~/.docker/cert.pem",
  },
  {
    name: "tlskey",
    type: "string",
    description: "Path to TLS key file",
    default: "~/.docker/key.pem",
  },
  {
    name: "tlsverify",
    type: "bool",
    description: "Use TLS and verify the remote",
  },
  {
    name: "log-level",
    short: "l",
    type: "string",
    description:
      'Set the logging level ("debug", "info", "warn", "error", "fatal")',
    default: "info",
  },
  { name: "debug", short: "D", type: "bool", description: "Enable debug mode" },
  {
    name: "config",
    type: "string",
    description: "Location of client config files",
  },
  { name: "help", short: "h", type: "bool", description: "Print usage" },
  {
    name: "version",
    short: "v",
    type: "bool",
    description: "Print version information and quit",
  },
];
const HELP_FLAG: FlagSpec = {
  name: "help",
  type: "bool",
  description: "Print usage",
};

function rootUsage(): string {
  const lines = [
    `\nUsage:  ${PROGRAM} [OPTIONS] COMMAND\n`,
    "A Docker-compatible container engine\n",
    "Common Commands:",
  ];
  const shortcuts = Object.keys(ALIASES).filter((a) => !a.includes(" "));
  const top = [
    ...shortcuts,
    ...Object.keys(COMMANDS).filter((c) => !c.includes(" ")),
  ].sort();
  const describe = (name: string): string =>
    COMMANDS[ALIASES[name] ?? name]?.short ?? "";
  for (const name of top) lines.push(`  ${name.padEnd(10)}  ${describe(name)}`);
  lines.push("\nManagement Commands:");
  for (const [g, d] of Object.entries(GROUPS))
    lines.push(`  ${g.padEnd(10)}  ${d}`);
  lines.push(
    "\nGlobal Options:",
    flagUsages(GLOBAL_FLAGS.filter((f) => f.name !== "help")),
  );
  lines.push(
    `\nRun '${PROGRAM} COMMAND --help' for more information on a command.\n`,
  );
  return lines.join("\n");
}

function groupUsage(group: string): string {
  const lines = [
    `\nUsage:  ${PROGRAM} ${group} COMMAND\n`,
    `${GROUPS[group]}\n`,
    "Commands:",
  ];
  for (const path of Object.keys(COMMANDS).filter((p) =>
    p.startsWith(`${group} `),
  ))
    lines.push(
      `  ${path.slice(group.length + 1).padEnd(10)}  ${COMMANDS[path]?.short}`,
    );
  lines.push(
    `\nRun '${PROGRAM} ${group} COMMAND --help' for more information on a command.\n`,
  );
  return lines.join("\n");
}

function commandUsage(path: string, canonical: string, cmd: Command): string {
  const aliases = aliasesOf(canonical).map((a) => `${PROGRAM} ${a}`);
  const parts = [`\nUsage:  ${path} ${cmd.usage}\n`, `${cmd.short}\n`];
  if (aliases.length > 1) parts.push(`Aliases:\n  ${aliases.join(", ")}\n`);
  const usages = flagUsages(cmd.flags);
  if (usages) parts.push(`Options:\n${usages}\n`);
  return parts.join("\n");
}

/** Finds the command for the leading words of args: [canonical path, words used]. */
function lookup(args: string[]): [string, number] | undefined {
  for (const n of [2, 1]) {
    const key = args.slice(0, n).join(" ");
    if (args.length < n) continue;
    const canonical = ALIASES[key] ?? key;
    if (COMMANDS[canonical]) return [canonical, n];
  }
  return undefined;
}

function checkArgs(path: string, cmd: Command, args: string[]): void {
  const { min = 0, max = Infinity } = cmd.args ?? {};
  const plural = (n: number): string => `${n} argument${n === 1 ? "" : "s"}`;
  let problem: string | undefined;
  let hint = "Run";
  if (min === max && args.length !== min)
    problem = min === 0 ? "accepts no arguments" : `requires ${plural(min)}`;
  else if (args.length < min) {
    problem = `requires at least ${plural(min)}`;
    hint = "See";
  } else if (args.length > max)
    problem =
      max === 0 ? "accepts no arguments" : `requires at most ${plural(max)}`;
  if (problem)
    throw new StatusError(
      `${PROGRAM}: '${path}' ${problem}\n\nUsage:  ${path} ${cmd.usage}\n\n${hint} '${path} --help' for more information`,
      1,
    );
}

/** Runs the CLI on argv (without node and script); resolves with the exit code. */
export async function main(
  argv: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let client: EngineClient | undefined;
  const say = (s: string): void =>
    void io.stderr.write(s.endsWith("\n") ? s : `${s}\n`);
  try {
    const global = parseFlags(GLOBAL_FLAGS, argv, { interspersed: false });
    checkGlobalFlags(global.flags);
    let rest = global.args;
    if (global.flags.bool("version")) {
      io.stdout.write(`${PROGRAM} version ${CLI_VERSION}\n`);
      return 0;
    }
    if (rest[0] === "help") {
      rest = [...rest.slice(1), "--help"];
      if (rest.length === 1) rest = [];
    }
    if (rest.length === 0) {
      io.stdout.write(rootUsage());
      return 0;
    }
    const found = lookup(rest);
    if (!found) {
      const group = rest[0] ?? "";
      if (GROUPS[group] && (rest.length === 1 || rest[1] === "--help")) {
        io.stdout.write(groupUsage(group));
        return 0;
      }
      throw new StatusError(
        `${PROGRAM}: unknown command: ${PROGRAM} ${rest.slice(0, GROUPS[group] ? 2 : 1).join(" ")}\n\nRun '${PROGRAM} --help' for more information`,
        1,
      );
    }
    const [canonical, used] = found;
    const path = `${PROGRAM} ${rest.slice(0, used).join(" ")}`;
    const cmd = await (
      COMMANDS[canonical] as { load: () => Promise<Command> }
    ).load();
    const specs = cmd.flags.some((f) => f.name === "help")
      ? cmd.flags
      : [...cmd.flags, HELP_FLAG];
    let parsed;
    try {
      parsed = parseFlags(
        specs,
        rest.slice(used),
        cmd.interspersed === false ? { interspersed: false } : {},
      );
    } catch (err) {
      if (err instanceof FlagError)
        throw new StatusError(
          `${err.message}\n\nUsage:  ${path} ${cmd.usage}\n\nRun '${path} --help' for more information`,
          125,
        );
      throw err;
    }
    if (parsed.flags.bool("help")) {
      io.stdout.write(commandUsage(path, canonical, cmd));
      return 0;
    }
    checkArgs(path, cmd, parsed.args);
    const connection = connectionFlags(global.flags);
    let endpoint: Endpoint | undefined;
    const resolve = (): Endpoint =>
      (endpoint ??= resolveEndpoint(connection, env));
    const code = await cmd.action({
      args: parsed.args,
      flags: parsed.flags,
      io,
      path,
      env,
      connection,
      endpoint: resolve,
      client: () => {
        const e = resolve();
        return (client ??= new EngineClient(
          e.host,
          e.tls ? { tls: e.tls } : {},
        ));
      },
    });
    return code ?? 0;
  } catch (err) {
    return report(err, say);
  } finally {
    client?.close();
  }
}

/** Prints an error as the Docker CLI does and returns its exit code. */
export function report(err: unknown, say: (s: string) => void): number {
  if (err instanceof StatusError) {
    if (err.message) say(err.message);
    return err.code;
  }
  if (err instanceof ClientError)
    say(`Error response from daemon: ${err.message}`);
  else if (err instanceof TemplateError)
    say(`template parsing error: ${err.message}`);
  else if (err instanceof FlagError || err instanceof ConnectionError)
    say(err.message);
  else say(errorMessage(err));
  return err instanceof FlagError ? 125 : 1;
}

/** The connection-related global flags; only flags given count (defaults are the environment's). */
function connectionFlags(
  flags: ReturnType<typeof parseFlags>["flags"],
): ConnectionFlags {
  const out: ConnectionFlags = {
    hosts: flags.list("host"),
    tls: flags.bool("tls"),
  };
  const context = flags.string("context");
  if (context) out.context = context;
  if (flags.changed("tlsverify")) out.tlsVerify = flags.bool("tlsverify");
  if (flags.changed("tlscacert"))
    out.tlsCaCert = flags.string("tlscacert") ?? "";
  if (flags.changed("tlscert")) out.tlsCert = flags.string("tlscert") ?? "";
  if (flags.changed("tlskey")) out.tlsKey = flags.string("tlskey") ?? "";
  return out;
}

/**
 * Global flags wharf's CLI does not act on are refused rather than ignored.
 * --log-level is only validated: the CLI writes no log lines at any level.
 */
function checkGlobalFlags(flags: ReturnType<typeof parseFlags>["flags"]): void {
  for (const name of ["config", "debug"])
    if (flags.changed(name))
      throw new StatusError(`--${name} is not supported yet`, 125);
  const level = flags.string("log-level") ?? "info";
  if (
    !["debug", "info", "warn", "error", "fatal", "panic", "trace"].includes(
      level,
    )
  )
    throw new StatusError(`Unable to parse logging level: ${level}`, 125);
}
