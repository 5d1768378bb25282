/**
 * A small registry in the test process (node:http on 127.0.0.1, port 0)
 * that serves one image by tag and lets a test replace any answer with a
 * crafted one (corrupt, truncated, missing, oversized, hanging), then put the
 * honest answer back. Only GETs of /v2/, manifests and blobs are served:
 * enough for pulls.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import type { TestImage } from "./registry.ts";
import { digestOf } from "./registry.ts";

/** A crafted answer: return true when it handled the request. */
export type Hook = (
  req: IncomingMessage,
  res: ServerResponse,
  honest: { bytes: Buffer; type: string } | undefined,
) => boolean;

/** The registry error body for a code, as distribution sends it. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

/** One fake registry. */
export class FakeRegistry {
  port = 0;
  /** Request lines seen ("GET /v2/x/blobs/sha256:…"). */
  readonly requests: string[] = [];
  /** The crafted answer in force, if any. */
  hook: Hook | undefined;
  #server: Server;
  #sockets = new Set<Socket>();
  #manifests = new Map<string, { bytes: Buffer; type: string }>();
  #blobs = new Map<string, Buffer>();

  constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.on("connection", (s) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
  }

  /** host:port. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Serves `image` as `<repo>:<tag>` (and by digest). */
  serve(repo: string, tag: string, image: TestImage): void {
    const m = {
      bytes: image.manifest,
      type: "application/vnd.docker.distribution.manifest.v2+json",
    };
    this.#manifests.set(`${repo}/${tag}`, m);
    this.#manifests.set(`${repo}/${digestOf(image.manifest)}`, m);
    for (const [d, b] of image.blobs) this.#blobs.set(`${repo}/${d}`, b);
  }

  /** Listens on a free loopback port. */
  async start(): Promise<void> {
    await new Promise<void>((ok) =>
      this.#server.listen(0, "127.0.0.1", () => ok()),
    );
    this.port = (this.#server.address() as { port: number }).port;
  }

  /** Closes the server and every connection (hanging ones too). */
  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise((ok) => this.#server.close(ok));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "/";
    this.requests.push(`${req.method} ${url}`);
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/?]+)$/.exec(url);
    const honest = m
      ? m[2] === "manifests"
        ? this.#manifests.get(`${m[1]}/${m[3]}`)
        : ((b) => b && { bytes: b, type: "application/octet-stream" })(
            this.#blobs.get(`${m[1]}/${m[3]}`),
          )
      : undefined;
    if (this.hook?.(req, res, honest)) return;
    if (url === "/v2/") {
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    if (!honest) {
      const code = m?.[2] === "manifests" ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN";
      const text =
        code === "MANIFEST_UNKNOWN"
          ? "manifest unknown"
          : "blob unknown to registry";
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(errorBody(code, text));
      return;
    }
    res.writeHead(200, {
      "content-type": honest.type,
      "content-length": honest.bytes.length,
      "docker-content-digest": digestOf(honest.bytes),
    });
    res.end(req.method === "HEAD" ? undefined : honest.bytes);
  }
}
