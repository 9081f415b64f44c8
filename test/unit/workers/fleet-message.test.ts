import { describe, expect, it } from "vitest";
import { parseFleetMessage, toChatRequest } from "../../../workers/fleet-message";

const valid = {
  version: 1,
  taskToken: "tok",
  orderId: "ord_1",
  fleetId: "hohhot-ascend-910b",
  model: "deepseek-flash",
  request: { messages: [{ role: "user", content: "hi" }], max_tokens: 256 },
  heartbeatSeconds: 10,
};

describe("parseFleetMessage", () => {
  it("accepts the contract's message", () => {
    const parsed = parseFleetMessage(JSON.stringify(valid));
    expect(parsed).toMatchObject({ ok: true, message: { orderId: "ord_1", heartbeatSeconds: 10 } });
  });

  it("accepts the explicit nulls and extra fields OpenAI clients send", () => {
    const request = {
      messages: [
        { role: "assistant", content: null },
        { role: "tool", content: "42", tool_call_id: "call_1" },
        { role: "user", content: [{ type: "text", text: "go" }] },
      ],
      max_tokens: null,
      max_completion_tokens: 64,
      stop: null,
      temperature: null,
      seed: 7,
    };
    const parsed = parseFleetMessage(JSON.stringify({ ...valid, request }));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(toChatRequest(parsed.message)).toMatchObject({
      model: "deepseek-flash",
      max_tokens: 64,
      stop: undefined,
      temperature: undefined,
    });
  });

  it.each([
    ["not JSON", "{oops"],
    ["an empty body", undefined],
    ["an unknown version", JSON.stringify({ ...valid, version: 2 })],
    ["a missing task token", JSON.stringify({ ...valid, taskToken: undefined })],
    ["no messages", JSON.stringify({ ...valid, request: { messages: [] } })],
    ["a non-positive heartbeat", JSON.stringify({ ...valid, heartbeatSeconds: 0 })],
  ])("rejects %s", (_what, body) => {
    expect(parseFleetMessage(body)).toMatchObject({ ok: false, reason: expect.any(String) });
  });
});
