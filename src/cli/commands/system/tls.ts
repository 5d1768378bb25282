/**
 * `wharf tls [--out DIR] [--name DNS…] [--ip IP…] [--days N]`: writes what
 * `wharfd --tlsverify` and its clients need, made with the openssl binary:
 *
 *   DIR/ca.pem ca-key.pem             the certificate authority (keep ca-key.pem private)
 *   DIR/server-cert.pem server-key.pem for wharfd --tlscert/--tlskey (SANs: --name, --ip)
 *   DIR/cert.pem key.pem              a client certificate (DOCKER_CERT_PATH=DIR)
 *
 * Refuses to overwrite an existing CA key.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { StatusError, type Command } from "../../command.ts";

function openssl(dir: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    execFile("openssl", args, { cwd: dir }, (err, _out, stderr) => {
      if (err)
        fail(
          new StatusError(
            `openssl ${args[0]}: ${stderr.trim() || err.message}`,
            1,
          ),
        );
      else ok();
    });
  });
}

/** Signs a new key pair for `who` with the CA in dir; `ext` holds the X.509 v3 extensions. */
async function issue(
  dir: string,
  who: { cert: string; key: string; subject: string; ext: string },
  days: string,
): Promise<void> {
  const csr = `${who.key}.csr`;
  const ext = `${who.key}.ext`;
  writeFileSync(join(dir, ext), who.ext);
  try {
    await openssl(dir, [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      who.key,
      "-out",
      csr,
      "-subj",
      who.subject,
    ]);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      who.cert,
      "-days",
      days,
      "-sha256",
      "-extfile",
      ext,
    ]);
  } finally {
    rmSync(join(dir, csr), { force: true });
    rmSync(join(dir, ext), { force: true });
  }
}

/** Generates a CA, a server certificate and a client certificate into --out. */
export const tls: Command = {
  usage: "[OPTIONS]",
  short: "Generate a CA, a server and a client certificate for TLS",
  flags: [
    {
      name: "out",
      short: "o",
      type: "string",
      description: "Directory to write the files to",
      default: ".",
    },
    {
      name: "name",
      type: "list",
      description: "DNS name of the server (repeatable; default localhost)",
    },
    {
      name: "ip",
      type: "list",
      description: "IP address of the server (repeatable; default 127.0.0.1)",
    },
    {
      name: "client-name",
      type: "string",
      description: "Common name of the client certificate",
      default: "client",
    },
    {
      name: "days",
      type: "int",
      description: "Validity in days",
      default: 365,
    },
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const dir = resolve(ctx.flags.string("out") ?? ".");
    const names = ctx.flags.list("name");
    const ips = ctx.flags.list("ip");
    for (const ip of ips)
      if (!isIP(ip)) throw new StatusError(`invalid IP address: ${ip}`, 125);
    for (const n of names)
      if (!/^[a-zA-Z0-9*]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(n))
        throw new StatusError(`invalid DNS name: ${n}`, 125);
    const days = String(ctx.flags.int("days") ?? 365);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (existsSync(join(dir, "ca-key.pem")))
      throw new StatusError(
        `${join(dir, "ca-key.pem")} exists: refusing to overwrite a CA`,
        1,
      );
    const sans = [
      ...(names.length || !ips.length
        ? names.length
          ? names
          : ["localhost"]
        : []
      ).map((n) => `DNS:${n}`),
      ...(ips.length ? ips : names.length ? [] : ["127.0.0.1"]).map(
        (ip) => `IP:${ip}`,
      ),
    ];
    await openssl(dir, [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca-key.pem",
      "-out",
      "ca.pem",
      "-days",
      days,
      "-sha256",
      "-subj",
      "/CN=wharf CA",
    ]);
    await issue(
      dir,
      {
        cert: "server-cert.pem",
        key: "server-key.pem",
        subject: `/CN=${names[0] ?? ips[0] ?? "localhost"}`,
        ext: `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n`,
      },
      days,
    );
    await issue(
      dir,
      {
        cert: "cert.pem",
        key: "key.pem",
        subject: `/CN=${ctx.flags.string("client-name") ?? "client"}`,
        ext: "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n",
      },
      days,
    );
    rmSync(join(dir, "ca.srl"), { force: true });
    ctx.io.stdout.write(
      `CA:     ${join(dir, "ca.pem")}\nserver: ${join(dir, "server-cert.pem")} ${join(dir, "server-key.pem")} (${sans.join(", ")})\nclient: ${join(dir, "cert.pem")} ${join(dir, "key.pem")}\n`,
    );
  },
};
