/**
 * The shape of one CLI command: flags declared as data plus an action. The
 * action returns the exit code (0 when it returns nothing) and never calls
 * process.exit; cli/main.ts turns results and errors into exit codes.
 */
import type { EngineClient } from "../client/index.ts";
import type { ConnectionFlags, Endpoint } from "./contexts/endpoint.ts";
import type { FlagSpec, ParsedFlags } from "./flags.ts";

/** The process streams a command uses (swapped for buffers in tests). */
export type Io = {
  stdin: NodeJS.ReadableStream & {
    isTTY?: boolean;
    setRawMode?: (raw: boolean) => unknown;
  };
  stdout: NodeJS.WritableStream & {
    isTTY?: boolean;
    columns?: number;
    rows?: number;
  };
  stderr: NodeJS.WritableStream;
};

/** What an action receives. */
export type CommandContext = {
  args: string[];
  flags: ParsedFlags;
  io: Io;
  /** The command as invoked, e.g. "wharf container stop" (for messages). */
  path: string;
  /** The process environment (DOCKER_HOST, DOCKER_CONFIG, …). */
  env: NodeJS.ProcessEnv;
  /** The global connection flags (-H, --context, --tls*). */
  connection: ConnectionFlags;
  /** The resolved endpoint (context, host, TLS); throws InvalidArgumentError when it cannot be resolved. */
  endpoint(): Endpoint;
  /** The daemon client, created on first use. */
  client(): EngineClient;
};

/** How many positional arguments a command takes. */
export type ArgRule = { min?: number; max?: number };

/** One command. `usage` follows the command name: "[OPTIONS] CONTAINER [CONTAINER...]". */
export type Command = {
  usage: string;
  short: string;
  flags: FlagSpec[];
  args?: ArgRule;
  /** False for commands whose arguments carry their own flags (run IMAGE CMD -x). */
  interspersed?: boolean;
  action(ctx: CommandContext): Promise<number | void>;
};

/**
 * An error that carries its exit code; `message` (when not empty) goes to
 * stderr as is. Docker's cli.StatusError.
 */
export class StatusError extends Error {
  override name = "StatusError";
  readonly code: number;
  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}

/** Writes to a stream and waits until it has been accepted. */
export function write(
  stream: NodeJS.WritableStream,
  text: string | Buffer,
): Promise<void> {
  return new Promise((ok, fail) => {
    stream.write(text, (err) => (err ? fail(err) : ok()));
  });
}
