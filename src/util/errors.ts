/**
 * The one error taxonomy (STYLE.md §6). Services throw these; server/errors.ts
 * maps each class to an HTTP status in one place. Anything else is internal (500).
 */

/** Base class: carries a message meant for the user. */
export class WharfError extends Error {
  override name = "WharfError";
}
/** The object does not exist (404). */
export class NotFoundError extends WharfError {
  override name = "NotFoundError";
}
/** The request is malformed or names something invalid (400). */
export class InvalidArgumentError extends WharfError {
  override name = "InvalidArgumentError";
}
/** The request conflicts with the object's state, e.g. a name in use (409). */
export class ConflictError extends WharfError {
  override name = "ConflictError";
}
/** Nothing to do: the object is already in the requested state (304). */
export class NotModifiedError extends WharfError {
  override name = "NotModifiedError";
}
/** Credentials are missing or wrong (401). */
export class UnauthorizedError extends WharfError {
  override name = "UnauthorizedError";
}
/** Credentials are valid but not allowed this (403). */
export class ForbiddenError extends WharfError {
  override name = "ForbiddenError";
}
/** A dependency (runtime, registry, kernel feature) cannot serve now (503). */
export class UnavailableError extends WharfError {
  override name = "UnavailableError";
}
/** The feature is not built; the message says which (501). */
export class NotImplementedError extends WharfError {
  override name = "NotImplementedError";
}

/** Returns the message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when err is a Node system error with the given code (ENOENT, EEXIST, …). */
export function isErrno(err: unknown, code: string): boolean {
  return (
    typeof err === "object" &&
    err !== null &&
    (err as { code?: unknown }).code === code
  );
}
