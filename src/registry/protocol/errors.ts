/**
 * The distribution-spec error-code catalog (spec.md "Error Codes"), each code
 * with the HTTP status the registry answers it with, and the JSON body shape
 * `{ errors: [{ code, message, detail }] }`. Shared by the registry server
 * (which throws RegistryError) and the engine's client (which parses bodies).
 */

/** One catalog entry: the spec's code, its default message and status. */
export type ErrorCodeInfo = { message: string; status: number };

/**
 * The codes of distribution-spec v1.1 plus distribution's UNSUPPORTED and
 * TOOMANYREQUESTS. Statuses follow distribution's errcode registrations,
 * which the conformance suite expects.
 */
export const ErrorCodes = {
  BLOB_UNKNOWN: { message: "blob unknown to registry", status: 404 },
  BLOB_UPLOAD_INVALID: { message: "blob upload invalid", status: 400 },
  BLOB_UPLOAD_UNKNOWN: {
    message: "blob upload unknown to registry",
    status: 404,
  },
  DIGEST_INVALID: {
    message: "provided digest did not match uploaded content",
    status: 400,
  },
  MANIFEST_BLOB_UNKNOWN: {
    message: "manifest references a manifest or blob unknown to registry",
    status: 400,
  },
  MANIFEST_INVALID: { message: "manifest invalid", status: 400 },
  MANIFEST_UNKNOWN: { message: "manifest unknown to registry", status: 404 },
  NAME_INVALID: { message: "invalid repository name", status: 400 },
  NAME_UNKNOWN: {
    message: "repository name not known to registry",
    status: 404,
  },
  SIZE_INVALID: {
    message: "provided length did not match content length",
    status: 400,
  },
  UNAUTHORIZED: { message: "authentication required", status: 401 },
  DENIED: {
    message: "requested access to the resource is denied",
    status: 403,
  },
  UNSUPPORTED: { message: "the operation is unsupported", status: 405 },
  PAGINATION_NUMBER_INVALID: {
    message: "invalid number of results requested",
    status: 400,
  },
  UNKNOWN: { message: "unknown error", status: 500 },
  TOOMANYREQUESTS: { message: "too many requests", status: 429 },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A code of the catalog. */
export type ErrorCode = keyof typeof ErrorCodes;

/** The wire shape of one error in a registry error body. */
export type ErrorBodyEntry = {
  code: string;
  message: string;
  detail?: unknown;
};

/** The wire shape of a registry error body. */
export type ErrorBody = { errors: ErrorBodyEntry[] };

/**
 * An error a registry handler throws: carries the spec code, an optional
 * message overriding the catalog's and detail; the status comes from the
 * catalog unless given (e.g. BLOB_UPLOAD_INVALID as 416 for a bad range).
 */
export class RegistryError extends Error {
  override name = "RegistryError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: unknown;
  constructor(
    code: ErrorCode,
    options: { message?: string; detail?: unknown; status?: number } = {},
  ) {
    super(options.message ?? ErrorCodes[code].message);
    this.code = code;
    this.status = options.status ?? ErrorCodes[code].status;
    this.detail = options.detail;
  }
  /** The JSON body for this error. */
  body(): ErrorBody {
    const entry: ErrorBodyEntry = { code: this.code, message: this.message };
    if (this.detail !== undefined) entry.detail = this.detail;
    return { errors: [entry] };
  }
}

/** True when a value parses as a registry error body (for clients). */
export function isErrorBody(v: unknown): v is ErrorBody {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as { errors?: unknown }).errors)
  );
}

/**
 * A registry (or its token server) answered with an error status, as a
 * client sees it. `message` reads as Docker's (distribution's errcode:
 * "<code text>: <message>"); `codes` holds the catalog codes for callers
 * that branch on them.
 */
export class RegistryResponseError extends Error {
  override name = "RegistryResponseError";
  readonly status: number;
  readonly codes: string[];
  constructor(message: string, status: number, codes: string[]) {
    super(message);
    this.status = status;
    this.codes = codes;
  }
}

/**
 * The client-side error for an error response's status and body: the
 * entries of an error body, or the legacy `{"details": "…"}` of token
 * servers (distribution's parseHTTPErrorResponse: UNAUTHORIZED for a 401,
 * TOOMANYREQUESTS for a 429, UNKNOWN otherwise), or the bare status.
 */
export function responseErrorOf(
  status: number,
  statusText: string,
  body: Buffer,
  bearer?: { error?: string; error_description?: string },
): RegistryResponseError {
  // compat: distribution's HandleErrorResponse reads RFC 6750's error first.
  const oauth: ErrorCode | undefined =
    bearer?.error === "invalid_token"
      ? "UNAUTHORIZED"
      : bearer?.error === "insufficient_scope"
        ? "DENIED"
        : undefined;
  if (oauth) {
    const first = {
      code: oauth,
      message: bearer?.error_description || ErrorCodes[oauth].message,
    };
    const rest = responseErrorOf(status, statusText, body);
    const texts = [entryText(first)];
    if (rest.codes.length > 0)
      texts.push(rest.message.replace(/^errors:\n|\n$/g, ""));
    return new RegistryResponseError(
      texts.length === 1 ? texts[0]! : `errors:\n${texts.join("\n")}\n`,
      status,
      [oauth, ...rest.codes],
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString());
  } catch {
    doc = undefined;
  }
  const details = (doc as { details?: unknown } | undefined)?.details;
  if (typeof details === "string" && details !== "") {
    const code: ErrorCode =
      status === 401
        ? "UNAUTHORIZED"
        : status === 429
          ? "TOOMANYREQUESTS"
          : "UNKNOWN";
    return new RegistryResponseError(
      entryText({ code, message: details }),
      status,
      [code],
    );
  }
  const entries = isErrorBody(doc)
    ? doc.errors.filter(
        (e): e is ErrorBodyEntry =>
          typeof e === "object" && e !== null && typeof e.code === "string",
      )
    : [];
  // compat: a 401 without an error body is UNAUTHORIZED all the same.
  if (entries.length === 0 && status === 401)
    return new RegistryResponseError(
      entryText({
        code: "UNAUTHORIZED",
        message: ErrorCodes.UNAUTHORIZED.message,
      }),
      status,
      ["UNAUTHORIZED"],
    );
  if (entries.length === 0)
    return new RegistryResponseError(
      `unexpected status from registry: ${status} ${statusText}`.trim(),
      status,
      [],
    );
  const texts = entries.map(entryText);
  // compat: distribution's errcode.Errors prints one error bare, several as a list.
  const message =
    texts.length === 1 ? texts[0]! : `errors:\n${texts.join("\n")}\n`;
  return new RegistryResponseError(
    message,
    status,
    entries.map((e) => e.code),
  );
}

/** "manifest unknown: manifest unknown", as errcode.Error.Error() prints. */
function entryText(e: { code: string; message?: string }): string {
  const codeText = e.code.toLowerCase().replace(/_/g, " ");
  return `${codeText}: ${e.message || codeText}`;
}
