import type { IncomingMessage, ServerResponse } from "node:http";
import { RegistryError } from "../protocol/errors.ts";
import type { RouteMatch } from "../protocol/paths.ts";

/** One request as handlers see it. */
export type Context = {
  req: IncomingMessage;
  res: ServerResponse;
  match: RouteMatch;
  /** The repository name (routes under /v2/<name>/). */
  name: string;
  query: URLSearchParams;
  /** Authenticated user, or undefined for anonymous. */
  user: string | undefined;
};

/** Writes a JSON body with the given status and headers. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(data.length),
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : data);
}

/** Writes an empty response. */
export function writeEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-length": "0", ...headers });
  res.end();
}

/** Writes a registry error body with its status. */
export function writeError(
  res: ServerResponse,
  err: RegistryError,
  headers: Record<string, string> = {},
): void {
  writeJson(res, err.status, err.body(), headers);
}

/**
 * Reads a whole request body up to `limit` bytes. Throws the error `tooBig`
 * returns when the body is larger (checked on Content-Length first).
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  tooBig: () => Error,
): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw tooBig();
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses `n` of a paged list (tags, catalog, referrers): undefined when
 * absent; throws PAGINATION_NUMBER_INVALID when not a number ≥ 0.
 */
export function pageSize(query: URLSearchParams): number | undefined {
  const n = query.get("n");
  if (n === null || n === "") return undefined;
  if (!/^\d+$/.test(n))
    throw new RegistryError("PAGINATION_NUMBER_INVALID", { detail: { n } });
  return Number(n);
}

/**
 * Pages a sorted list by `last` (exclusive) and `n`. Returns the page and,
 * when more entries follow, the `Link` header value pointing at the next
 * page (RFC 5988 form as distribution sends it).
 */
export function paginate(
  all: string[],
  query: URLSearchParams,
  path: string,
): { page: string[]; link?: string } {
  const last = query.get("last");
  const n = pageSize(query);
  let rest = last === null ? all : all.filter((x) => x > last);
  if (n === undefined) return { page: rest };
  const page = rest.slice(0, n);
  rest = rest.slice(n);
  if (rest.length === 0 || page.length === 0) return { page };
  const next = new URLSearchParams({
    n: String(n),
    last: page[page.length - 1] ?? "",
  });
  return { page, link: `<${path}?${next.toString()}>; rel="next"` };
}
