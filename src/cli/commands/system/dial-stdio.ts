/**
 * `wharf system dial-stdio`: joins stdin/stdout to the daemon's socket. What
 * an ssh:// client runs on the daemon's machine (as `docker system
 * dial-stdio`); each end's EOF half-closes the other direction.
 */
import { connect, type Socket } from "node:net";
import { parseHost } from "../../../client/index.ts";
import { StatusError, type Command } from "../../command.ts";

/** Proxies raw bytes between stdio and the local daemon until both sides are done. */
export const dialStdio: Command = {
  usage: "",
  short:
    "Proxy the stdio stream to the daemon connection. Should not be invoked manually.",
  flags: [],
  args: { max: 0 },
  action: async (ctx) => {
    const address = parseHost(ctx.endpoint().host);
    if (address.kind === "ssh")
      throw new StatusError("dial-stdio: cannot dial an ssh:// host", 1);
    const sock: Socket =
      address.kind === "unix"
        ? connect(address.socketPath)
        : connect(address.port, address.host);
    await new Promise<void>((ok, fail) => {
      sock.once("connect", ok);
      sock.once("error", fail);
    }).catch((err: Error) => {
      throw new StatusError(`dial-stdio: ${err.message}`, 1);
    });
    const { stdin, stdout } = ctx.io;
    stdin.pipe(sock, { end: true });
    sock.on("data", (chunk: Buffer) => stdout.write(chunk));
    await new Promise<void>((ok) => {
      sock.once("end", ok);
      sock.once("close", ok);
      sock.once("error", () => ok());
    });
    stdin.unpipe(sock);
    sock.destroy();
  },
};
