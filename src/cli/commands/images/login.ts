/** `wharf login [-u USER] [-p PASS | --password-stdin] [SERVER]`. */
import type { RegistryAuth } from "../../../client/index.ts";
import {
  StatusError,
  type Command,
  type CommandContext,
} from "../../command.ts";
import { describeError } from "../each.ts";
import { CredentialStore, hostnameOf, INDEX_SERVER } from "./credentials.ts";

/**
 * Logs in to a registry: the daemon checks the credentials (POST /auth),
 * then they are stored where the Docker CLI keeps them, so both CLIs
 * share the login.
 */
export const login: Command = {
  usage: "[OPTIONS] [SERVER]",
  short: "Authenticate to a registry",
  flags: [
    {
      name: "password",
      short: "p",
      type: "string",
      description: "Password or Personal Access Token (PAT)",
    },
    {
      name: "password-stdin",
      type: "bool",
      description:
        "Take the Password or Personal Access Token (PAT) from stdin",
    },
    { name: "username", short: "u", type: "string", description: "Username" },
  ],
  args: { max: 1 },
  action: async (ctx) => {
    let password = ctx.flags.string("password") ?? "";
    let username = (ctx.flags.string("username") ?? "").trim();
    const fromStdin = ctx.flags.bool("password-stdin");
    if (password && fromStdin)
      throw new StatusError(
        "conflicting options: cannot specify both --password and --password-stdin",
        1,
      );
    if (password)
      ctx.io.stderr.write(
        "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n",
      );
    if (fromStdin) {
      if (!username)
        throw new StatusError(
          "the --password-stdin option requires --username to be set",
          1,
        );
      password = (await readAll(ctx.io.stdin)).replace(/\r?\n$/, "");
    }
    const given = ctx.args[0];
    // compat: the Docker CLI keys every registry but Docker Hub by host name.
    const server =
      given && !/^(https?:\/\/)?(index\.)?docker\.io(\/.*)?$/.test(given)
        ? hostnameOf(given)
        : INDEX_SERVER;
    const store = new CredentialStore(ctx.env);
    const client = ctx.client().registry;
    if (!username && !password) {
      const stored = store.get(server);
      if (stored) {
        ctx.io.stdout.write(
          `Authenticating with existing credentials...${stored.username ? ` [Username: ${stored.username}]` : ""}\n`,
        );
        try {
          const res = await client.auth({ ...stored, serveraddress: server });
          return done(ctx, store, server, stored, res.IdentityToken);
        } catch (err) {
          ctx.io.stderr.write(`${describeError(err)}\n`);
        }
      }
    }
    if (!username || !password) {
      if (!ctx.io.stdin.isTTY)
        throw new StatusError(
          "Error: Cannot perform an interactive login from a non TTY device",
          1,
        );
      if (!username) username = (await prompt(ctx, "Username: ")).trim();
      if (!username)
        throw new StatusError("Error: Non-null Username Required", 1);
      if (!password) password = await prompt(ctx, "Password: ", true);
      if (!password) throw new StatusError("Error: Password Required", 1);
    }
    const auth: RegistryAuth = { username, password, serveraddress: server };
    const res = await client.auth(auth);
    done(ctx, store, server, auth, res.IdentityToken);
  },
};

function done(
  ctx: CommandContext,
  store: CredentialStore,
  server: string,
  auth: RegistryAuth,
  identityToken: string | undefined,
): void {
  const saved: RegistryAuth = identityToken
    ? { username: auth.username ?? "", identitytoken: identityToken }
    : auth;
  store.store(server, saved);
  if (store.isPlainFile(server))
    ctx.io.stderr.write(
      `WARNING! Your credentials are stored unencrypted in '${store.file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`,
    );
  ctx.io.stdout.write("Login Succeeded\n");
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Input typed ahead of the current prompt (a password typed with the user name). */
let typedAhead = "";

/**
 * Reads one line from the terminal; `hidden` reads in raw mode without echo
 * (a password). Ctrl-C aborts (exit 1); end of input ends the line.
 */
async function prompt(
  ctx: CommandContext,
  question: string,
  hidden = false,
): Promise<string> {
  ctx.io.stdout.write(question);
  const stdin = ctx.io.stdin;
  const raw = hidden && stdin.setRawMode !== undefined;
  if (raw) stdin.setRawMode?.(true);
  try {
    const line = await new Promise<string | undefined>((ok) => {
      const take = (): boolean => {
        const end = typedAhead.search(/[\r\n\x03\x04]/);
        if (end < 0) return false;
        const text = typedAhead.slice(0, end);
        const stop = typedAhead[end];
        // A "\r\n" pair ends one line.
        const skip = stop === "\r" && typedAhead[end + 1] === "\n" ? 2 : 1;
        typedAhead = typedAhead.slice(end + skip);
        ok(stop === "\x03" ? undefined : text);
        return true;
      };
      if (take()) return;
      const onData = (chunk: Buffer | string): void => {
        typedAhead += chunk.toString();
        if (take()) done();
      };
      const onEnd = (): void => {
        const text = typedAhead;
        typedAhead = "";
        done();
        ok(text);
      };
      const done = (): void => {
        stdin.off("data", onData);
        stdin.off("end", onEnd);
        stdin.pause();
      };
      stdin.on("data", onData);
      stdin.once("end", onEnd);
      stdin.resume();
    });
    if (line === undefined) throw new StatusError("", 1);
    return line;
  } finally {
    if (raw) {
      stdin.setRawMode?.(false);
      ctx.io.stdout.write("\n");
    }
  }
}
