/**
 * wharf-registry over TLS off loopback: a test network namespace joined to
 * the host by a veth pair on a random private /30 that no host route
 * overlaps, a CA and server certificate made with openssl for the
 * namespace's address, and a certs.d tree for wharfd (WHARF_CERTS_D).
 * Every name carries a random tag; stop() (and a failed start) removes the
 * registry (by pid), the namespace, the veth pair and the temp dir.
 */
import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { overlaps, parsePrefix } from "../../../src/network/cidr.ts";
import { startRegistry, type TestRegistry } from "./harness.ts";

/** A TLS registry inside its own network namespace. */
export type NetnsRegistry = {
  registry: TestRegistry;
  /** "10.x.y.2:5000", the name images are tagged with. */
  host: string;
  /** The CA that signed the registry's certificate (PEM file). */
  caFile: string;
  /** A certs.d root for WHARF_CERTS_D; empty until trust() is called. */
  certsDir: string;
  /** Copies ca.crt into certsDir/<host>/, as an admin would into /etc/docker/certs.d. */
  trust: () => Promise<void>;
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

/**
 * Starts wharf-registry in a new network namespace with TLS (a test CA),
 * `yaml` appended to its config (auth, access rules).
 */
export async function startNetnsRegistry(
  options: { yaml?: string } = {},
): Promise<NetnsRegistry> {
  const tag = randomBytes(3).toString("hex");
  const ns = `wrg${tag}`;
  const hostIf = `wrh${tag}`;
  const nsIf = `wrn${tag}`;
  const dir = mkdtempSync("/tmp/wharf-regns-");
  let registry: TestRegistry | undefined;
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
    await sh(inNs[0]!, [...inNs.slice(1), "ip", "link", "set", "lo", "up"]);
    await sh(inNs[0]!, [
      ...inNs.slice(1),
      "ip",
      "addr",
      "add",
      `${nsIp}/30`,
      "dev",
      nsIf,
    ]);
    await sh(inNs[0]!, [...inNs.slice(1), "ip", "link", "set", nsIf, "up"]);
    const caFile = join(dir, "ca.crt");
    const ca = ["-keyout", join(dir, "ca.key"), "-out", caFile];
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
      ...ca,
    ]);
    await sh("openssl", [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      `/CN=${nsIp}`,
      "-keyout",
      join(dir, "server.key"),
      "-out",
      join(dir, "server.csr"),
    ]);
    await sh("bash", [
      "-c",
      `openssl x509 -req -in "$1/server.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial -days 2 -out "$1/server.crt" -extfile <(printf 'subjectAltName=IP:%s\\n' "$2")`,
      "-",
      dir,
      nsIp,
    ]);
    const certsDir = join(dir, "certs.d");
    mkdirSync(certsDir);
    const host = `${nsIp}:5000`;
    registry = await startRegistry({
      addr: host,
      wrap: inNs,
      http: `  tls:\n    certificate: ${join(dir, "server.crt")}\n    key: ${join(dir, "server.key")}\n`,
      yaml: options.yaml ?? "",
    });
    const trust = async (): Promise<void> => {
      mkdirSync(join(certsDir, host), { recursive: true });
      await sh("cp", [caFile, join(certsDir, host, "ca.crt")]);
    };
    return { registry, host, caFile, certsDir, trust, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
