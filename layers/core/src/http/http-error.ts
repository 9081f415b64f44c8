// Errors that only exist at the HTTP edge (no route, wrong method, body too large, malformed JSON, missing
// key). Business failures are DomainErrors from layers/core/src/domain/errors.ts; both end in one mapping
// (error-mapping.ts) so every response has the same OpenAI error shape.

export type HttpErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_funds"
  | "server_error";

export class HttpError extends Error {
  override readonly name = "HttpError";

  constructor(
    readonly statusCode: number,
    readonly type: HttpErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
    /** Extra fields of the error object, e.g. `limit_source` on 402 or `order_id` on order failures. */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (message = "Unknown route"): HttpError =>
  new HttpError(404, "not_found_error", "not_found", message);

/** Ids the platform issues are short and URL-safe; anything else names nothing (and would overflow a key). */
const RESOURCE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The path id, or a 404 when it cannot be one of ours. */
export const resourceId = (raw: string | undefined, what: string): string => {
  if (raw === undefined || !RESOURCE_ID.test(raw)) throw notFound(`No such ${what}`);
  return raw;
};

export const methodNotAllowed = (allowed: readonly string[]): HttpError =>
  new HttpError(
    405,
    "invalid_request_error",
    "method_not_allowed",
    "Method not allowed for this route",
    null,
    {
      allow: allowed.join(", "),
    },
  );

export const payloadTooLarge = (limitBytes: number): HttpError =>
  new HttpError(
    413,
    "invalid_request_error",
    "payload_too_large",
    `Request body exceeds ${limitBytes} bytes`,
  );

export const invalidJson = (): HttpError =>
  new HttpError(400, "invalid_request_error", "invalid_json", "Request body is not valid JSON");

export const unauthenticated = (): HttpError =>
  new HttpError(401, "authentication_error", "invalid_api_key", "Missing or invalid API key");

export const forbidden = (message = "This API key's role may not call this route"): HttpError =>
  new HttpError(403, "permission_error", "forbidden", message);

export const rateLimited = (retryAfterSeconds: number): HttpError =>
  new HttpError(429, "rate_limit_error", "rate_limited", "Too many requests", null, {
    "retry-after": String(retryAfterSeconds),
  });

export const upstreamError = (orderId: string): HttpError =>
  new HttpError(
    502,
    "server_error",
    "upstream_error",
    "The order failed while running on a worker; nothing was charged for the failed part",
    null,
    {},
    { order_id: orderId },
  );

export const orderStillRunning = (orderId: string): HttpError =>
  new HttpError(
    504,
    "server_error",
    "timeout",
    "The order is still running; poll GET /v1/orders/{id} for its result",
    null,
    {},
    { order_id: orderId },
  );

export const streamNotSupported = (): HttpError =>
  new HttpError(
    400,
    "invalid_request_error",
    "unsupported_value",
    "stream=true is not supported yet",
    "stream",
  );
