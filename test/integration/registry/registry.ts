/**
 * Test registries: Debian's docker-registry (distribution 2.8.2) on a free
 * loopback port with its own temp root, optional htpasswd or token auth,
 * and helpers that upload images to it over plain HTTP.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { freePort } from "../harness.ts";

/** Why registry tests cannot run here, or undefined. */
export function registrySkip(): string | undefined {
  return spawnSync("/usr/bin/docker-registry", ["--version"]).status === 0
    ? undefined
    : "needs Debian's docker-registry (apt-get install docker-registry)";
}

/** One running docker-registry. */
export class TestRegistry {
  readonly dir: string;
  port = 0;
  #child: ChildProcess | undefined;
  #extra: string;

  /** `extra` is appended to the YAML config (auth sections). */
  constructor(options: { extra?: string } = {}) {
    this.dir = mkdtempSync("/tmp/wharf-reg-");
    this.#extra = options.extra ?? "";
  }

  /** host:port. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The registry's log (requests are logged at info). */
  log(): string {
    return readFileSync(join(this.dir, "registry.log"), "utf8");
  }

  /** Starts it on a free port (or `port`) and waits for /v2/. */
  async start(port?: number): Promise<void> {
    this.port = port ?? (await freePort());
    const config = join(this.dir, "config.yml");
    writeFileSync(
      config,
      `version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: ${join(this.dir, "data")}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${this.port}
${this.#extra}`,
    );
    const log = openSync(join(this.dir, "registry.log"), "a");
    this.#child = spawn("/usr/bin/docker-registry", ["serve", config], {
      stdio: ["ignore", log, log],
    });
    for (let i = 0; i < 100; i++) {
      try {
        const r = await fetch(`http://${this.host}/v2/`);
        await r.arrayBuffer();
        return;
      } catch {
        await new Promise((ok) => setTimeout(ok, 50));
      }
    }
    throw new Error(`docker-registry did not start:\n${this.log()}`);
  }

  /** Stops the registry (keeps its data for a restart). */
  async halt(): Promise<void> {
    const c = this.#child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((ok) => c.once("exit", ok));
    c.kill("SIGTERM");
    await gone;
  }

  /** Stops it and removes its root. */
  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** sha256 digest of bytes. */
export function digestOf(b: Buffer): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

/** A one-file layer tar (ustar), built by hand so tests need no tar binary. */
export function layerTar(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(content.length.toString(8).padStart(11, "0") + "\0", 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

/** An image made of gzipped layers: config, manifest and blobs, ready to upload. */
export type TestImage = {
  config: Buffer;
  manifest: Buffer;
  blobs: Map<string, Buffer>;
  id: string;
};

/** Builds a Docker schema 2 image from layer tars for a platform. */
export function makeImage(
  tars: Buffer[],
  platform = { os: "linux", architecture: "amd64" },
): TestImage {
  const gz = tars.map((t) => gzipSync(t));
  const config = Buffer.from(
    JSON.stringify({
      ...platform,
      config: { Cmd: ["sh"] },
      rootfs: { type: "layers", diff_ids: tars.map(digestOf) },
      history: tars.map(() => ({ created_by: "test" })),
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      config: {
        mediaType: "application/vnd.docker.container.image.v1+json",
        size: config.length,
        digest: digestOf(config),
      },
      layers: gz.map((g) => ({
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: g.length,
        digest: digestOf(g),
      })),
    }),
  );
  const blobs = new Map<string, Buffer>([[digestOf(config), config]]);
  for (const g of gz) blobs.set(digestOf(g), g);
  return { config, manifest, blobs, id: digestOf(config) };
}

/** Uploads blobs (monolithic) and a manifest under `ref` (tag or digest). */
export async function upload(
  host: string,
  repo: string,
  ref: string,
  doc: { manifest: Buffer; blobs: Map<string, Buffer>; mediaType?: string },
): Promise<void> {
  for (const [digest, bytes] of doc.blobs) {
    const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, {
      method: "POST",
    });
    await start.arrayBuffer();
    const loc = new URL(start.headers.get("location")!, `http://${host}`);
    loc.searchParams.set("digest", digest);
    const put = await fetch(loc, { method: "PUT", body: bytes });
    await put.arrayBuffer();
    if (put.status !== 201)
      throw new Error(`blob upload ${digest}: ${put.status}`);
  }
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
    method: "PUT",
    headers: {
      "content-type":
        doc.mediaType ?? "application/vnd.docker.distribution.manifest.v2+json",
    },
    body: doc.manifest,
  });
  await r.arrayBuffer();
  if (r.status !== 201)
    throw new Error(`manifest upload: ${r.status} ${await r.text()}`);
}

/**
 * Two one-layer images alike but for their platform: linux/amd64 and
 * linux/arm64, each with a file /arch naming it.
 */
export function archImages(): { amd: TestImage; arm: TestImage } {
  return {
    amd: makeImage([layerTar("arch", Buffer.from("amd64\n"))]),
    arm: makeImage([layerTar("arch", Buffer.from("arm64\n"))], {
      os: "linux",
      architecture: "arm64",
    }),
  };
}

/** Docker's manifest list media type, what uploadIndex() uploads. */
const manifestListType =
  "application/vnd.docker.distribution.manifest.list.v2+json";

/**
 * Uploads each image under its manifest digest to `repo`, then a manifest
 * list naming them in this order with their platforms under `tag`; returns
 * the list's bytes.
 */
export async function uploadIndex(
  host: string,
  repo: string,
  tag: string,
  entries: Array<{ image: TestImage; platform: Record<string, string> }>,
): Promise<Buffer> {
  for (const { image } of entries)
    await upload(host, repo, digestOf(image.manifest), image);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestListType,
      manifests: entries.map(({ image, platform }) => ({
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        size: image.manifest.length,
        digest: digestOf(image.manifest),
        platform,
      })),
    }),
  );
  await upload(host, repo, tag, {
    manifest: index,
    blobs: new Map(),
    mediaType: manifestListType,
  });
  return index;
}
