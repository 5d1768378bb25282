import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { ConflictError, InvalidArgumentError } from "../../util/errors.ts";
import type { PortBinding } from "./record.ts";

/** One port a container asks to publish; `hostPorts` undefined = any free port. */
export type PortRequest = {
  proto: "tcp" | "udp";
  containerPort: number;
  hostIp: string;
  hostPorts: [number, number] | undefined;
};

type Bindings = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

/**
 * The ports HostConfig asks for: PortBindings, plus every ExposedPorts entry
 * when PublishAllPorts (-P) is set. Throws InvalidArgumentError for a bad
 * spec and for SCTP, which this kernel lacks (no CONFIG_IP_SCTP).
 */
export function portRequests(
  portBindings: unknown,
  options: { exposed: Record<string, object> | undefined; publishAll: boolean },
): PortRequest[] {
  const out: PortRequest[] = [];
  const bindings = (
    portBindings && typeof portBindings === "object" ? portBindings : {}
  ) as Bindings;
  const keys = new Set(Object.keys(bindings));
  if (options.publishAll)
    for (const k of Object.keys(options.exposed ?? {})) keys.add(k);
  for (const key of keys) {
    const [port, proto = "tcp"] = key.split("/") as [
      string,
      string | undefined,
    ];
    if (proto === "sctp" && !sctpAvailable())
      throw new InvalidArgumentError(
        `cannot publish ${key}: this kernel has no SCTP support (CONFIG_IP_SCTP is not set)`,
      );
    if (proto !== "tcp" && proto !== "udp")
      throw new InvalidArgumentError(`invalid proto: ${proto}`);
    const containerPort = toPort(port, key);
    const list = bindings[key]?.length ? bindings[key] : [{}];
    for (const b of list) {
      const hp = b.HostPort ?? "";
      let hostPorts: [number, number] | undefined;
      if (hp !== "" && hp !== "0") {
        const [lo, hi = lo] = hp.split("-") as [string, string | undefined];
        hostPorts = [toPort(lo, hp), toPort(hi, hp)];
        if (hostPorts[1] < hostPorts[0])
          throw new InvalidArgumentError(`invalid hostPort: ${hp}`);
      }
      const hostIp = b.HostIp === "0.0.0.0" ? "" : (b.HostIp ?? "");
      // wharf's rules are IPv4 only: an IPv6 host address cannot be honoured.
      if (hostIp.includes(":")) continue;
      out.push({ proto, containerPort, hostIp, hostPorts });
    }
  }
  return out;
}

function toPort(s: string, spec: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 65535)
    throw new InvalidArgumentError(`invalid port specification: "${spec}"`);
  return n;
}

function sctpAvailable(): boolean {
  return existsSync("/proc/net/sctp");
}

/**
 * Host ports handed out to containers. A port is taken for an address when
 * any owner holds it on that address or on every address. Random ports come
 * from the kernel's ephemeral range, skipping ports a host process listens on.
 */
export class PortAllocator {
  #held = new Map<string, { hostIp: string; owner: string }[]>();
  #range: [number, number];
  #next: number;

  constructor(range: [number, number] = [49153, 60999]) {
    this.#range = range;
    this.#next = range[0];
  }

  /** Records an existing binding (at start, from persisted state). */
  hold(owner: string, b: PortBinding): void {
    const k = `${b.proto}/${b.hostPort}`;
    this.#held.set(k, [
      ...(this.#held.get(k) ?? []),
      { hostIp: b.hostIp, owner },
    ]);
  }

  /**
   * Allocates every request for owner, all or nothing; `endpoint` names it in errors. Throws ConflictError
   * with Docker's "Bind for 0.0.0.0:8080 failed: port is already allocated".
   */
  async allocate(
    owner: string,
    requests: PortRequest[],
    endpoint = owner,
  ): Promise<PortBinding[]> {
    const done: PortBinding[] = [];
    try {
      for (const r of requests) {
        const b = await this.#one(endpoint, r);
        this.hold(owner, b);
        done.push(b);
      }
      return done;
    } catch (err) {
      this.releaseAll(owner);
      throw err;
    }
  }

  /** Frees every port of owner. */
  releaseAll(owner: string): void {
    for (const [k, list] of this.#held) {
      const left = list.filter((h) => h.owner !== owner);
      if (left.length) this.#held.set(k, left);
      else this.#held.delete(k);
    }
  }

  #free(proto: string, port: number, hostIp: string): boolean {
    return !(this.#held.get(`${proto}/${port}`) ?? []).some(
      (h) => !h.hostIp || !hostIp || h.hostIp === hostIp,
    );
  }

  async #one(endpoint: string, r: PortRequest): Promise<PortBinding> {
    const base = {
      proto: r.proto,
      containerPort: r.containerPort,
      hostIp: r.hostIp,
    };
    if (r.hostPorts) {
      for (let p = r.hostPorts[0]; p <= r.hostPorts[1]; p++)
        if (this.#free(r.proto, p, r.hostIp)) return { ...base, hostPort: p };
      const shown =
        r.hostPorts[0] === r.hostPorts[1]
          ? `${r.hostPorts[0]}`
          : `${r.hostPorts[0]}-${r.hostPorts[1]}`;
      throw new ConflictError(
        `driver failed programming external connectivity on endpoint ${endpoint}: Bind for ${r.hostIp || "0.0.0.0"}:${shown} failed: port is already allocated`,
      );
    }
    const [lo, hi] = this.#range;
    for (let i = 0; i <= hi - lo; i++) {
      const p = this.#next;
      this.#next = p >= hi ? lo : p + 1;
      if (
        this.#free(r.proto, p, r.hostIp) &&
        (r.proto !== "tcp" || (await bindable(p, r.hostIp)))
      )
        return { ...base, hostPort: p };
    }
    throw new ConflictError(`all ports are allocated`);
  }
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host: host || "0.0.0.0", exclusive: true }, () =>
      s.close(() => resolve(true)),
    );
  });
}
