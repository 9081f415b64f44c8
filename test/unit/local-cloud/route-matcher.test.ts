import { describe, expect, it } from "vitest";
import { RouteMatcher } from "../../../local/apigateway/route-matcher";

describe("RouteMatcher", () => {
  const matcher = new RouteMatcher<string>();
  for (const key of [
    "ANY /{proxy+}",
    "GET /v1/orders/{id}",
    "GET /v1/orders/latest",
    "POST /v1/orders/{id}/cancel",
    "$default",
  ]) {
    matcher.add(key, key);
  }

  it("prefers a literal path over a path parameter", () => {
    expect(matcher.match("GET", "/v1/orders/latest")?.route).toBe("GET /v1/orders/latest");
  });

  it("extracts path parameters", () => {
    expect(matcher.match("GET", "/v1/orders/ord_1")?.pathParameters).toEqual({ id: "ord_1" });
    expect(matcher.match("POST", "/v1/orders/ord%201/cancel")?.pathParameters).toEqual({ id: "ord 1" });
  });

  it("falls back to the greedy route, then to $default", () => {
    expect(matcher.match("DELETE", "/v1/orders/ord_1")).toMatchObject({
      route: "ANY /{proxy+}",
      pathParameters: { proxy: "v1/orders/ord_1" },
    });
    expect(matcher.match("GET", "/")?.route).toBe("$default");
  });
});
