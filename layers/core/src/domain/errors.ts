// Domain errors. `name` is the class name: Step Functions matches it in `Catch.ErrorEquals` (Lambda errorType),
// the HTTP layer maps it to a status. `code` is the stable OpenAI-style snake_case code clients see.

export type LimitSource = "balance" | "credit_limit" | "in_flight_holds" | "voucher_scope";

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly param: string | undefined;

  constructor(message: string, param?: string) {
    super(message);
    this.name = new.target.name;
    this.param = param;
  }
}

export class ValidationError extends DomainError {
  readonly code = "invalid_request";
}

export class NotFoundError extends DomainError {
  readonly code = "not_found";
}

export class UnknownModelError extends DomainError {
  readonly code = "model_not_found";
  constructor(model: string) {
    super(`The model '${model}' does not exist`, "model");
  }
}

export class InsufficientFundsError extends DomainError {
  readonly code = "insufficient_funds";
  readonly limitSource: LimitSource;
  constructor(limitSource: LimitSource, message?: string) {
    super(message ?? `Insufficient funds (limit: ${limitSource})`);
    this.limitSource = limitSource;
  }
}

export class NoCapacityError extends DomainError {
  readonly code = "no_capacity";
}

export class IdempotencyConflictError extends DomainError {
  readonly code = "idempotency_conflict";
}

export class ConflictError extends DomainError {
  readonly code = "conflict";
}

export class ForbiddenError extends DomainError {
  readonly code = "forbidden";
}

export class HoldExpiredError extends DomainError {
  readonly code = "hold_expired";
}

export class EngineError extends DomainError {
  readonly code = "engine_error";
}

/** Names of every DomainError subclass: what ASL `Catch` and the API may match on. */
export const DOMAIN_ERROR_NAMES = [
  "ValidationError",
  "NotFoundError",
  "UnknownModelError",
  "InsufficientFundsError",
  "NoCapacityError",
  "IdempotencyConflictError",
  "ConflictError",
  "ForbiddenError",
  "HoldExpiredError",
  "EngineError",
] as const;

export type DomainErrorName = (typeof DOMAIN_ERROR_NAMES)[number];

/** The stable code of an error known by name (e.g. from a Step Functions `$.error.Error`). */
export const ERROR_CODES: Readonly<Record<string, string>> = {
  ValidationError: "invalid_request",
  NotFoundError: "not_found",
  UnknownModelError: "model_not_found",
  InsufficientFundsError: "insufficient_funds",
  NoCapacityError: "no_capacity",
  IdempotencyConflictError: "idempotency_conflict",
  ConflictError: "conflict",
  ForbiddenError: "forbidden",
  HoldExpiredError: "hold_expired",
  EngineError: "engine_error",
  "States.Timeout": "timeout",
  "States.HeartbeatTimeout": "worker_heartbeat_timeout",
};
