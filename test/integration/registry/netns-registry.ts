/**
 * A registry off loopback: a test network namespace joined to the host by
 * a veth pair on a random private /30 that no host route overlaps. By
 * default wharf-registry over TLS with a CA and server certificate made
 * with openssl for the namespace's address, and a certs.d tree for wharfd
 * (WHARF_CERTS_D); `tls: false` serves plain HTTP instead, and
 * `clientCerts: true` runs Debian's docker-registry demanding a client
 * certificate signed by the same CA (wharf-registry has no `clientcas`).
 * Every name carries a random tag; stop() (and a failed start) removes the
 * registry (by pid), the namespace, the veth pair and the temp dir.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { overlaps, parsePrefix } from "../../../src/network/cidr.ts";
import { startRegistry } from "./harness.ts";

/** A registry inside its own network namespace. */
export type NetnsRegistry = {
  registry: { log: () => string; stop: () => Promise<void> };
  /** "10.x.y.2:5000", the name images are tagged with. */
  host: string;
  /** The /30 the namespace and the host share, e.g. "10.201.7.4/30". */
  subnet: string;
  /** The CA that signed the registry's (and the client's) certificate (PEM file). */
  caFile: string;
  /** A certs.d root for WHARF_CERTS_D; empty until trust() is called. */
  certsDir: string;
  /** Copies ca.crt into certsDir/<host>/, as an admin would into /etc/docker/certs.d. */
  trust: () => Promise<void>;
  /** Copies client.cert and client.key (signed by the CA) into certsDir/<host>/. */
  trustClient: () => Promise<void>;
  /** Removes certsDir/<host>/ again. */
  distrust: () => void;
  stop: () => Promise<void>;
};

async function sh(cmd: string, args: string[]): Promise<string> {
  const r = await execFile(cmd, args);
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A random 10.x.y.z/30 that overlaps no route or address on the host. */
async function freeSubnet(): Promise<string> {
  const taken = (await sh("ip", ["-4", "route", "show", "table", "all"]))
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((w) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(w))
    .map((w) => parsePrefix(w.includes("/") ? w : `${w}/32`));
  for (let i = 0; i < 100; i++) {
    const net = `10.${randomInt(200, 250)}.${randomInt(256)}.${randomInt(64) * 4}/30`;
    const p = parsePrefix(net);
    if (!taken.some((t) => overlaps(t, p))) return net;
  }
  throw new Error("no free 10.200.0.0/13 /30 for the test registry");
}

/** Signs `name`.crt for `subject` with the CA in `dir` (`ext`: openssl extension lines). */
async function signed(
  dir: string,
  name: string,
  subject: string,
  ext: string,
): Promise<void> {
  await sh("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    subject,
    "-keyout",
    join(dir, `${name}.key`),
    "-out",
    join(dir, `${name}.csr`),
  ]);
  await sh("bash", [
    "-c",
    `openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial -days 2 -out "$1/$2.crt" -extfile <(printf '%s\\n' "$3")`,
    "-",
    dir,
    name,
    ext,
  ]);
}

/** Waits until something accepts TCP connections on host:port. */
async function listening(
  ip: string,
  port: number,
  log: () => string,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((ok) => {
      const s = connect(port, ip);
      s.once("connect", () => (s.destroy(), ok(true)));
      s.once("error", () => ok(false));
    });
    if (up) return;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`the registry did not listen on ${ip}:${port}:\n${log()}`);
}

/** Debian's docker-registry in the namespace, TLS with client CAs. */
async function startDistribution(
  dir: string,
  inNs: string[],
  ip: string,
): Promise<{ log: () => string; stop: () => Promise<void> }> {
  const config = join(dir, "distribution.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\nhttp:\n  addr: ${ip}:5000\n  tls:\n    certificate: ${join(dir, "server.crt")}\n    key: ${join(dir, "server.key")}\n    clientcas:\n      - ${join(dir, "ca.crt")}\n`,
  );
  const logFile = join(dir, "distribution.log");
  writeFileSync(logFile, "");
  const fd = openSync(logFile, "a");
  const proc = spawn(
    inNs[0]!,
    [...inNs.slice(1), "/usr/bin/docker-registry", "serve", config],
    {
      stdio: ["ignore", fd, fd],
    },
  );
  closeSync(fd);
  const log = (): string => readFileSync(logFile, "utf8");
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  };
  try {
    await listening(ip, 5000, log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { log, stop };
}

/**
 * Starts a registry in a new network namespace: wharf-registry with TLS (a
 * test CA; `yaml` appended to its config for auth and access rules), or
 * over plain HTTP with `tls: false`, or docker-registry demanding client
 * certificates with `clientCerts: true`.
 */
export async function startNetnsRegistry(
  options: { yaml?: string; tls?: boolean; clientCerts?: boolean } = {},
): Promise<NetnsRegistry> {
  const tag = randomBytes(3).toString("hex");
  const ns = `wrg${tag}`;
  const hostIf = `wrh${tag}`;
  const nsIf = `wrn${tag}`;
  const dir = mkdtempSync("/tmp/wharf-regns-");
  let registry: NetnsRegistry["registry"] | undefined;
  const stop = async (): Promise<void> => {
    await registry?.stop();
    await execFile("ip", ["netns", "del", ns]);
    await execFile("ip", ["link", "del", hostIf]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const subnet = await freeSubnet();
    const base = subnet.split("/")[0]!.split(".").map(Number);
    const hostIp = [...base.slice(0, 3), base[3]! + 1].join(".");
    const nsIp = [...base.slice(0, 3), base[3]! + 2].join(".");
    await sh("ip", ["netns", "add", ns]);
    await sh("ip", ["link", "add", hostIf, "type", "veth", "peer", nsIf]);
    await sh("ip", ["link", "set", nsIf, "netns", ns]);
    await sh("ip", ["addr", "add", `${hostIp}/30`, "dev", hostIf]);
    await sh("ip", ["link", "set", hostIf, "up"]);
    const inNs = ["ip", "netns", "exec", ns];
    const nsIpCmd = (...args: string[]): Promise<string> =>
      sh(inNs[0]!, [...inNs.slice(1), "ip", ...args]);
    await nsIpCmd("link", "set", "lo", "up");
    await nsIpCmd("addr", "add", `${nsIp}/30`, "dev", nsIf);
    await nsIpCmd("link", "set", nsIf, "up");
    const caFile = join(dir, "ca.crt");
    await sh("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=wharf test CA ${tag}`,
      "-keyout",
      join(dir, "ca.key"),
      "-out",
      caFile,
    ]);
    await signed(dir, "server", `/CN=${nsIp}`, `subjectAltName=IP:${nsIp}`);
    await signed(
      dir,
      "client",
      `/CN=wharf test client ${tag}`,
      "extendedKeyUsage=clientAuth",
    );
    const certsDir = join(dir, "certs.d");
    mkdirSync(certsDir);
    const host = `${nsIp}:5000`;
    const tlsYaml = `  tls:\n    certificate: ${join(dir, "server.crt")}\n    key: ${join(dir, "server.key")}\n`;
    registry = options.clientCerts
      ? await startDistribution(dir, inNs, nsIp)
      : await startRegistry({
          addr: host,
          wrap: inNs,
          http: options.tls === false ? "" : tlsYaml,
          yaml: options.yaml ?? "",
        });
    const own = join(certsDir, host);
    const copy = async (from: string, to: string): Promise<void> => {
      mkdirSync(own, { recursive: true });
      await sh("cp", [join(dir, from), join(own, to)]);
    };
    return {
      registry,
      host,
      subnet,
      caFile,
      certsDir,
      trust: () => copy("ca.crt", "ca.crt"),
      trustClient: async () => {
        await copy("client.crt", "client.cert");
        await copy("client.key", "client.key");
      },
      distrust: () => rmSync(own, { recursive: true, force: true }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
