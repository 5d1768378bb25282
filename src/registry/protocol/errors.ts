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
