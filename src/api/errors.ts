/** The body of every Engine API error response. */
export type ErrorResponse = { message: string };
