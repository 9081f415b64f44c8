import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  EngineError,
  ForbiddenError,
  IdempotencyConflictError,
  InsufficientFundsError,
  NoCapacityError,
  NotFoundError,
  UnknownModelError,
  ValidationError,
} from "../../../layers/core/src/domain/errors";
import { orderFailureError, toErrorResponse } from "../../../layers/core/src/http/error-mapping";
import { rateLimited } from "../../../layers/core/src/http/http-error";
import { creditAccountRequest } from "../../../layers/core/src/http/schemas";

const parsed = (err: unknown) => {
  const r = toErrorResponse(err) as { statusCode: number; headers: Record<string, string>; body: string };
  return {
    status: r.statusCode,
    headers: r.headers,
    body: JSON.parse(r.body) as { error: Record<string, unknown> },
  };
};

describe("error mapping", () => {
  it.each([
    [new ValidationError("bad", "name"), 400, "invalid_request_error"],
    [new NotFoundError("gone"), 404, "not_found_error"],
    [new UnknownModelError("gpt-9"), 404, "invalid_request_error"],
    [new InsufficientFundsError("credit_limit"), 402, "insufficient_funds"],
    [new NoCapacityError("busy"), 503, "server_error"],
    [new IdempotencyConflictError("again"), 409, "invalid_request_error"],
    [new ConflictError("clash"), 409, "invalid_request_error"],
    [new ForbiddenError("no"), 403, "permission_error"],
    [new EngineError("boom"), 502, "server_error"],
  ])("maps %o to its status and OpenAI type", (err, status, type) => {
    const r = parsed(err);
    expect(r.status).toBe(status);
    expect(r.body.error.type).toBe(type);
    expect(r.body.error.code).toBe(err.name === "EngineError" ? "upstream_error" : err.code);
    expect(r.headers["content-type"]).toBe("application/json");
  });

  it("names the limit that refused on 402", () => {
    expect(parsed(new InsufficientFundsError("voucher_scope")).body.error.limit_source).toBe("voucher_scope");
  });

  it("names the model param on an unknown model", () => {
    expect(parsed(new UnknownModelError("x")).body.error.param).toBe("model");
  });

  it("carries retry-after on 429 and 503", () => {
    expect(parsed(rateLimited(7)).headers["retry-after"]).toBe("7");
    expect(parsed(new NoCapacityError("busy")).headers["retry-after"]).toMatch(/^\d+$/);
  });

  it("answers any non-domain error with a generic 500 that leaks nothing", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, message) => {
        const err = new Error(message);
        err.name = name;
        const r = parsed(err);
        expect(r.status).toBe(500);
        expect(r.body).toEqual({
          error: {
            type: "server_error",
            code: "internal_error",
            message: "The server had an error processing the request",
            param: null,
          },
        });
      }),
    );
  });

  it("does not trust a plain error that merely claims a domain error's name", () => {
    const fake = Object.assign(new Error("table arn:aws:dynamodb:..."), {
      name: "ValidationError",
      code: "x",
    });
    expect(parsed(fake).status).toBe(500);
  });

  it("answers thrown non-errors with a generic 500", () => {
    for (const thrown of ["boom", 42, null, undefined, { statusCode: 400 }])
      expect(parsed(thrown).status).toBe(500);
  });
});

describe("order failure mapping", () => {
  it("keeps the buyer-actionable refusals and adds the order id", () => {
    const e = orderFailureError("ord_1", {
      name: "InsufficientFundsError",
      code: "insufficient_funds",
      message: "m",
      limitSource: "in_flight_holds",
    });
    expect(e.statusCode).toBe(402);
    expect(e.extra).toEqual({ limit_source: "in_flight_holds", order_id: "ord_1" });
  });

  it.each([["EngineError"], ["States.Timeout"], ["States.HeartbeatTimeout"], ["Lambda.Unknown"], ["Error"]])(
    "maps %s to 502 upstream_error with the order id",
    (name) => {
      const e = orderFailureError("ord_2", { name, code: "x", message: "internal detail" });
      expect(e.statusCode).toBe(502);
      expect(e.code).toBe("upstream_error");
      expect(e.message).not.toContain("internal detail");
      expect(e.extra.order_id).toBe("ord_2");
    },
  );

  it("maps a failed execution without an order error to 502", () => {
    expect(orderFailureError("ord_3", undefined).statusCode).toBe(502);
  });
});

describe("money on input", () => {
  const base = { source: "paid", reference: "r" };

  it("accepts every positive digit string of up to 18 digits", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }), (n) => {
        expect(creditAccountRequest.safeParse({ ...base, amount_micros: n.toString() }).success).toBe(true);
      }),
    );
  });

  it("rejects every string that is not all digits", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !/^\d+$/.test(s)),
        (s) => {
          expect(creditAccountRequest.safeParse({ ...base, amount_micros: s }).success).toBe(false);
        },
      ),
    );
  });

  it("rejects every JSON number, integral or not", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double()), (n) => {
        expect(creditAccountRequest.safeParse({ ...base, amount_micros: n }).success).toBe(false);
      }),
    );
  });
});
