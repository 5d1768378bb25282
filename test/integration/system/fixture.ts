/**
 * Set-up the system tests share: the address and flags of a wharfd that
 * listens on its UNIX socket and on a loopback TCP port with mutual TLS.
 */
import { join } from "node:path";
import { freePort } from "../harness.ts";

/** tcp://127.0.0.1:PORT on a port that is free now. */
export async function tcpHost(): Promise<string> {
  return `tcp://127.0.0.1:${await freePort()}`;
}

/**
 * wharfd's flags to listen on `socket` and on `host` (tcp://127.0.0.1:PORT)
 * with --tlsverify, taking ca.pem, server-cert.pem and server-key.pem from
 * the directory `certs`.
 */
export function tlsDaemonArgs(
  socket: string,
  host: string,
  certs: string,
): string[] {
  return [
    "-H",
    `unix://${socket}`,
    "-H",
    host,
    "--tlsverify",
    "--tlscacert",
    join(certs, "ca.pem"),
    "--tlscert",
    join(certs, "server-cert.pem"),
    "--tlskey",
    join(certs, "server-key.pem"),
  ];
}
