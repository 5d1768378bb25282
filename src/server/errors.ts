import {
  ConflictError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  UnauthorizedError,
  UnavailableError,
} from "../util/errors.ts";

/**
 * Maps an error to the HTTP status Docker would send; the one place that
 * does so (moby's errdefs.FromError). Unknown errors are 500.
 */
export function statusOf(err: unknown): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof InvalidArgumentError) return 400;
  if (err instanceof ConflictError) return 409;
  if (err instanceof NotModifiedError) return 304;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof UnavailableError) return 503;
  if (err instanceof NotImplementedError) return 501;
  if (err instanceof SyntaxError) return 400;
  return 500;
}
