import { execFile } from "node:child_process";
import { access, mkdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Certificate and key PEMs for the HTTPS server. */
export type TlsFiles = { cert: Buffer; key: Buffer; certPath: string };

/**
 * Makes a self-signed CA and a server certificate signed by it under `dir`
 * on first use (ca.crt, ca.key, server.crt, server.key), for localhost,
 * 127.0.0.1, ::1 and the host name; later starts reuse them. Clients trust
 * ca.crt (e.g. /etc/docker/certs.d/<host:port>/ca.crt). Needs openssl.
 */
export async function selfSignedTls(dir: string): Promise<TlsFiles> {
  const crt = join(dir, "server.crt");
  const key = join(dir, "server.key");
  if (!(await exists(crt)) || !(await exists(key))) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ca = join(dir, "ca");
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "3650",
      "-subj",
      "/CN=wharf-registry CA",
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.crt`,
    ]);
    await run("openssl", [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-keyout",
      key,
      "-out",
      join(dir, "server.csr"),
    ]);
    const san = `subjectAltName=DNS:localhost,DNS:${hostname()},IP:127.0.0.1,IP:::1`;
    await run("bash", [
      "-c",
      `openssl x509 -req -in "$1/server.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial -days 3650 -out "$1/server.crt" -extfile <(printf '%s\\n' "$2")`,
      "-",
      dir,
      san,
    ]);
  }
  return { cert: await readFile(crt), key: await readFile(key), certPath: crt };
}

/** Reads a given certificate and key. */
export async function givenTls(
  certificate: string,
  keyPath: string,
): Promise<TlsFiles> {
  return {
    cert: await readFile(certificate),
    key: await readFile(keyPath),
    certPath: certificate,
  };
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
