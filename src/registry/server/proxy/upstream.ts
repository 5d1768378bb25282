import { RegistryError } from "../../protocol/errors.ts";
import { Headers } from "../../protocol/paths.ts";
import { MediaTypes } from "../../../oci/media-types.ts";

/** Every manifest type a proxy accepts from its upstream. */
const ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifestList,
  MediaTypes.dockerManifest,
].join(", ");

/**
 * A pull-only client of the upstream registry of a pull-through cache
 * (config proxy.remoteurl): answers the upstream's auth challenges with
 * Basic credentials or Docker's token flow (a token per repository, kept
 * until it expires).
 */
export class Upstream {
  readonly #base: string;
  readonly #basic: string | undefined;
  readonly #tokens = new Map<string, { token: string; expires: number }>();

  /** remoteurl: e.g. https://registry.example:5000; credentials optional. */
  constructor(
    remoteurl: string,
    credentials: { username?: string; password?: string } = {},
  ) {
    this.#base = remoteurl.replace(/\/+$/, "");
    this.#basic =
      credentials.username !== undefined
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ""}`).toString("base64")}`
        : undefined;
  }

  /** GETs a manifest: its bytes, media type and digest; undefined on 404. */
  async manifest(
    name: string,
    reference: string,
  ): Promise<
    { data: Buffer; mediaType: string; digest: string | undefined } | undefined
  > {
    const res = await this.#get(name, `/v2/${name}/manifests/${reference}`, {
      accept: ACCEPT,
    });
    if (res.status === 404) return undefined;
    if (!res.ok)
      throw upstreamError(res.status, `manifest ${name}:${reference}`);
    return {
      data: Buffer.from(await res.arrayBuffer()),
      mediaType: (res.headers.get("content-type") ?? "").split(";")[0] ?? "",
      digest: res.headers.get(Headers.contentDigest) ?? undefined,
    };
  }

  /** GETs a blob's body stream; undefined on 404. */
  async blob(
    name: string,
    digest: string,
  ): Promise<AsyncIterable<Uint8Array> | undefined> {
    const res = await this.#get(name, `/v2/${name}/blobs/${digest}`, {});
    if (res.status === 404) return undefined;
    if (!res.ok || !res.body)
      throw upstreamError(res.status, `blob ${name}@${digest}`);
    return res.body;
  }

  async #get(
    name: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<Response> {
    const url = `${this.#base}${path}`;
    const cached = this.#tokens.get(name);
    const auth =
      cached && cached.expires > Date.now()
        ? `Bearer ${cached.token}`
        : this.#basic;
    let res = await fetch(url, {
      headers: { ...headers, ...(auth ? { authorization: auth } : {}) },
    });
    if (res.status !== 401) return res;
    const challenge = res.headers.get("www-authenticate") ?? "";
    await res.body?.cancel();
    let retry: string | undefined;
    if (/^basic/i.test(challenge)) retry = this.#basic;
    else if (/^bearer/i.test(challenge))
      retry = `Bearer ${await this.#token(name, challenge)}`;
    if (retry === undefined) return res;
    res = await fetch(url, { headers: { ...headers, authorization: retry } });
    return res;
  }

  /** Fetches a pull token for a repository from the challenge's realm. */
  async #token(name: string, challenge: string): Promise<string> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [
        m[1] ?? "",
        m[2] ?? "",
      ]),
    );
    const realm = params.realm;
    if (realm === undefined)
      throw upstreamError(401, "bearer challenge without realm");
    const q = new URLSearchParams({ scope: `repository:${name}:pull` });
    if (params.service !== undefined) q.set("service", params.service);
    const res = await fetch(`${realm}?${q.toString()}`, {
      headers: this.#basic ? { authorization: this.#basic } : {},
    });
    if (!res.ok) throw upstreamError(res.status, "token request");
    const body = (await res.json()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (token === undefined)
      throw upstreamError(502, "token response without token");
    // Renew 30 s early; 60 s is the spec's default lifetime.
    this.#tokens.set(name, {
      token,
      expires: Date.now() + ((body.expires_in ?? 60) - 30) * 1000,
    });
    return token;
  }
}

function upstreamError(status: number, what: string): RegistryError {
  if (status === 401 || status === 403)
    return new RegistryError("UNAUTHORIZED", {
      message: `upstream refused ${what} (${status})`,
    });
  return new RegistryError("UNKNOWN", {
    status: 502,
    message: `upstream ${what}: status ${status}`,
  });
}
