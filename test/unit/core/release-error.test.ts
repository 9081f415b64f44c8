import { describe, expect, it } from "vitest";
import { orderErrorOf } from "../../../functions/orders/logic/release-funds";

describe("order error from a Step Functions Catch", () => {
  it("reads the Lambda cause JSON and keeps the name and code", () => {
    const e = orderErrorOf({
      Error: "InsufficientFundsError",
      Cause: JSON.stringify({
        errorType: "InsufficientFundsError",
        errorMessage: "Insufficient funds (limit: credit_limit)",
      }),
    });
    expect(e).toEqual({
      name: "InsufficientFundsError",
      code: "insufficient_funds",
      message: "Insufficient funds (limit: credit_limit)",
      limitSource: "credit_limit",
    });
  });

  it("takes a non-JSON cause as the message and maps unknown names to internal_error", () => {
    expect(orderErrorOf({ Error: "States.Timeout", Cause: "Task timed out" })).toMatchObject({
      code: "timeout",
      message: "Task timed out",
    });
    expect(orderErrorOf({ Error: "Boom" }).code).toBe("internal_error");
  });
});
