import type { APIGatewayProxyResultV2 } from "aws-lambda";
import {
  ConflictError,
  DomainError,
  EngineError,
  ForbiddenError,
  HoldExpiredError,
  IdempotencyConflictError,
  InsufficientFundsError,
  type LimitSource,
  NoCapacityError,
  NotFoundError,
  UnknownModelError,
  ValidationError,
} from "../domain/errors";
import type { OrderError } from "../store/order-store";
import { HttpError, upstreamError } from "./http-error";

// The one mapping from anything thrown to an HTTP response in the OpenAI error shape
// `{error: {type, code, message, param}}`. Unknown errors become a generic 500: their message and stack may
// hold table names, ARNs or SDK internals, so they go to the log only (the caller logs), never to the client.

/** Seconds a client should wait before retrying when no fleet has capacity. */
const NO_CAPACITY_RETRY_AFTER_S = 2;

const fromDomainError = (err: DomainError): HttpError => {
  const param = err.param ?? null;
  if (err instanceof ValidationError) {
    return new HttpError(400, "invalid_request_error", err.code, err.message, param);
  }
  if (err instanceof UnknownModelError) {
    return new HttpError(404, "invalid_request_error", err.code, err.message, param ?? "model");
  }
  if (err instanceof NotFoundError)
    return new HttpError(404, "not_found_error", err.code, err.message, param);
  if (err instanceof InsufficientFundsError) {
    return new HttpError(
      402,
      "insufficient_funds",
      err.code,
      err.message,
      param,
      {},
      {
        limit_source: err.limitSource,
      },
    );
  }
  if (err instanceof NoCapacityError) {
    return new HttpError(503, "server_error", err.code, err.message, param, {
      "retry-after": String(NO_CAPACITY_RETRY_AFTER_S),
    });
  }
  if (
    err instanceof IdempotencyConflictError ||
    err instanceof ConflictError ||
    err instanceof HoldExpiredError
  ) {
    return new HttpError(409, "invalid_request_error", err.code, err.message, param);
  }
  if (err instanceof ForbiddenError)
    return new HttpError(403, "permission_error", err.code, err.message, param);
  if (err instanceof EngineError)
    return new HttpError(502, "server_error", "upstream_error", err.message, param);
  return internalError();
};

export const internalError = (): HttpError =>
  new HttpError(500, "server_error", "internal_error", "The server had an error processing the request");

/** Normalizes any thrown value to an HttpError; unknown values become the generic 500. */
export const toHttpError = (err: unknown): HttpError => {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) return fromDomainError(err);
  return internalError();
};

export const errorBody = (err: HttpError) => ({
  error: { type: err.type, code: err.code, message: err.message, param: err.param, ...err.extra },
});

export const toErrorResponse = (err: unknown): APIGatewayProxyResultV2 => {
  const httpError = toHttpError(err);
  return {
    statusCode: httpError.statusCode,
    headers: { "content-type": "application/json", ...httpError.headers },
    body: JSON.stringify(errorBody(httpError)),
  };
};

const LIMIT_SOURCES: readonly LimitSource[] = ["balance", "credit_limit", "in_flight_holds", "voucher_scope"];

/**
 * Explains a failed order execution from the error its order row records (ReleaseFunds writes it). Refusals
 * the buyer can act on keep their own status; anything else that ended the order (engine failure, heartbeat
 * or task timeout, a crashed step) is a 502 `upstream_error`. Every one carries the order id.
 */
export const orderFailureError = (orderId: string, error: OrderError | undefined): HttpError => {
  const withOrder = (e: HttpError): HttpError =>
    new HttpError(e.statusCode, e.type, e.code, e.message, e.param, e.headers, {
      ...e.extra,
      order_id: orderId,
    });
  switch (error?.name) {
    case "InsufficientFundsError": {
      const source = LIMIT_SOURCES.find((s) => s === error.limitSource) ?? "balance";
      return withOrder(fromDomainError(new InsufficientFundsError(source, error.message)));
    }
    case "NoCapacityError":
      return withOrder(fromDomainError(new NoCapacityError(error.message)));
    case "UnknownModelError":
      return withOrder(
        new HttpError(404, "invalid_request_error", "model_not_found", error.message, "model"),
      );
    case "ValidationError":
      return withOrder(fromDomainError(new ValidationError(error.message)));
    default:
      return upstreamError(orderId);
  }
};
