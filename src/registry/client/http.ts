import { createHash } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseChallenges } from "../protocol/challenge.ts";
import {
  responseErrorOf,
  type RegistryResponseError,
} from "../protocol/errors.ts";
import type { Endpoint } from "./hosts.ts";

/** A failure to reach a registry (connection, TLS, timeout); the message is Docker's style. */
export class RegistryConnectionError extends Error {
  override name = "RegistryConnectionError";
  /** The underlying errno-style code (ECONNREFUSED, ETIMEDOUT, a TLS code). */
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** One HTTP request to a registry endpoint. */
export type HttpRequest = {
  method: string;
  /** Path plus query, or an absolute URL (token realms, upload locations). */
  url: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | Readable;
  signal?: AbortSignal;
};

/**
 * Sends requests with keep-alive agents per endpoint (TLS material from
 * certs.d, verification off for insecure registries). `timeoutMs` is an
 * idle timeout: a registry that sends nothing for that long fails the
 * request with a RegistryConnectionError.
 */
export class HttpClient {
  #agents = new Map<string, HttpAgent>();
  #timeoutMs: number;

  constructor(options: { timeoutMs: number }) {
    this.#timeoutMs = options.timeoutMs;
  }

  /** Resolves with the response once its headers arrive; the caller consumes or destroys the body. */
  send(endpoint: Endpoint, req: HttpRequest): Promise<IncomingMessage> {
    const url = new URL(req.url, endpoint.base + "/");
    const secure = url.protocol === "https:";
    // Absolute URLs on another host (token realms) use that host's defaults.
    const own = url.host === new URL(endpoint.base).host;
    const agent = this.#agent(endpoint, secure, own);
    const opts = {
      method: req.method,
      headers: req.headers ?? {},
      agent,
      timeout: this.#timeoutMs,
      ...(req.signal ? { signal: req.signal } : {}),
    };
    const label = `${titleCase(req.method)} "${url.href}"`;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r = secure
        ? httpsRequest(url, opts, resolve)
        : httpRequest(url, opts, resolve);
      r.on("timeout", () =>
        r.destroy(
          new RegistryConnectionError(
            `${label}: net/http: request canceled (Client.Timeout exceeded while awaiting headers)`,
            "ETIMEDOUT",
          ),
        ),
      );
      r.on("error", (err) => reject(connectionError(label, url, err)));
      r.on("response", (res) => {
        res.on("error", () => undefined);
        // The idle timeout goes on while the body streams.
        const socket = res.socket;
        const idle = (): void => {
          res.destroy(
            new RegistryConnectionError(
              `${label}: net/http: request canceled (Client.Timeout exceeded while reading body)`,
              "ETIMEDOUT",
            ),
          );
        };
        socket.setTimeout(this.#timeoutMs, idle);
        // A kept-alive socket serves many responses: without this each
        // one left its listener (and its response) on it for good.
        res.once("close", () => socket.removeListener("timeout", idle));
      });
      const body = req.body;
      if (body === undefined) r.end();
      else if (Buffer.isBuffer(body)) r.end(body);
      else pipeline(body, r).catch((err: Error) => r.destroy(err));
    });
  }

  #agent(endpoint: Endpoint, secure: boolean, own: boolean): HttpAgent {
    // compat: certs.d is read per request, as dockerd does, so a ca.crt
    // placed while the daemon runs takes effect: the TLS material is part of the key.
    const key = `${secure}|${own ? endpoint.base : ""}|${endpoint.skipVerify}|${own ? tlsKey(endpoint) : ""}`;
    let agent = this.#agents.get(key);
    if (agent) return agent;
    const base = { keepAlive: true, maxSockets: 16 };
    agent = !secure
      ? new HttpAgent(base)
      : new HttpsAgent({
          ...base,
          ...(own
            ? {
                rejectUnauthorized: !endpoint.skipVerify,
                ...(endpoint.tls.ca ? { ca: endpoint.tls.ca } : {}),
                ...(endpoint.tls.cert
                  ? { cert: endpoint.tls.cert, key: endpoint.tls.key }
                  : {}),
              }
            : {}),
        });
    this.#agents.set(key, agent);
    return agent;
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    for (const a of this.#agents.values()) a.destroy();
    this.#agents.clear();
  }
}

/** Reads a whole response body, refusing more than `limit` bytes. */
export async function readBody(
  res: IncomingMessage,
  limit: number,
): Promise<Buffer> {
  const length = Number(res.headers["content-length"] ?? -1);
  if (length > limit) {
    res.destroy();
    throw new BodyTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res) {
    size += (c as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads an error response (body capped at 64 KiB) into a RegistryResponseError. */
export async function responseError(
  res: IncomingMessage,
): Promise<RegistryResponseError> {
  let body: Buffer = Buffer.alloc(0);
  try {
    body = await readBody(res, 64 * 1024);
  } catch {
    // an unreadable body still has a status
  }
  const header = res.headers["www-authenticate"];
  const bearer = (Array.isArray(header) ? header : header ? [header] : [])
    .flatMap(parseChallenges)
    .find((c) => c.scheme === "bearer");
  return responseErrorOf(
    res.statusCode ?? 0,
    res.statusMessage ?? "",
    body,
    bearer?.params,
  );
}

/** A response body over the caller's limit. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(limit: number) {
    super(`response body exceeds the limit of ${limit} bytes`);
  }
}

/** A short fingerprint of an endpoint's certs.d material. */
function tlsKey(endpoint: Endpoint): string {
  const h = createHash("sha256");
  for (const b of [
    ...(endpoint.tls.ca ?? []),
    endpoint.tls.cert,
    endpoint.tls.key,
  ])
    if (b) h.update(b).update("\0");
  return h.digest("hex").slice(0, 16);
}

function titleCase(method: string): string {
  return method[0] + method.slice(1).toLowerCase();
}

/** Words Go's net/http would print for a failure, so messages read as Docker's. */
function connectionError(label: string, url: URL, err: unknown): Error {
  if (err instanceof RegistryConnectionError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.name === "AbortError") return e;
  const code = e.code ?? "EUNKNOWN";
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const addr = `${url.hostname}:${port}`;
  let text: string;
  if (code === "ECONNREFUSED")
    text = `dial tcp ${addr}: connect: connection refused`;
  else if (code === "ECONNRESET") text = "connection reset by peer";
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    text = `dial tcp: lookup ${url.hostname}: no such host`;
  else if (
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "SELF_SIGNED_CERT_IN_CHAIN" ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
  )
    text =
      "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  else if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    text = `tls: failed to verify certificate: x509: ${e.message}`;
  else if (tlsAlert(code)) text = `remote error: tls: ${tlsAlert(code)}`;
  else if (code.startsWith("ERR_SSL_") || code === "EPROTO")
    text = "http: server gave HTTP response to HTTPS client";
  else text = e.message;
  return new RegistryConnectionError(`${label}: ${text}`, code);
}

/** Go's names of TLS alerts where they differ from OpenSSL's. */
const GO_ALERTS: Record<string, string> = {
  UNKNOWN_CA: "unknown certificate authority",
  CERTIFICATE_EXPIRED: "expired certificate",
  CERTIFICATE_REVOKED: "revoked certificate",
  CERTIFICATE_UNKNOWN: "unknown certificate",
  PROTOCOL_VERSION: "protocol version not supported",
  DECRYPT_ERROR: "error decrypting message",
};

/**
 * The alert a TLS peer sent, in Go's words, from Node's error code
 * (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED → "certificate required");
 * undefined when the code is no alert. compat: Go reports a registry
 * refusing the handshake (no client certificate) as "remote error: tls: …".
 */
export function tlsAlert(code: string): string | undefined {
  const m = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(code);
  if (!m?.[1]) return undefined;
  return GO_ALERTS[m[1]] ?? m[1].toLowerCase().replace(/_/g, " ");
}

/** True for failures where trying the next endpoint (mirror → registry, https → http) makes sense. */
export function isFallbackError(err: unknown): boolean {
  return err instanceof RegistryConnectionError;
}
