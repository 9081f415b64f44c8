import { describe, expect, it } from "vitest";
import { nextDelayMs } from "../../../local/scheduler/schedule-expression";

describe("nextDelayMs", () => {
  const now = new Date("2026-03-02T10:15:30Z"); // a Monday

  it("turns a rate into its interval", () => {
    expect(nextDelayMs("rate(1 minute)", now)).toBe(60_000);
    expect(nextDelayMs("rate(2 hours)", now)).toBe(7_200_000);
  });

  it("finds the next minute a cron matches", () => {
    expect(nextDelayMs("cron(0/5 * * * ? *)", now)).toBe(
      new Date("2026-03-02T10:20:00Z").getTime() - now.getTime(),
    );
    expect(nextDelayMs("cron(0 12 ? * MON-FRI *)", now)).toBe(
      new Date("2026-03-02T12:00:00Z").getTime() - now.getTime(),
    );
  });

  it("rejects expressions EventBridge would reject", () => {
    expect(() => nextDelayMs("every 5 minutes", now)).toThrow();
    expect(() => nextDelayMs("cron(* * * *)", now)).toThrow();
  });
});
