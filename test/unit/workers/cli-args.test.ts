import { describe, expect, it } from "vitest";
import { type CliConfig, parseCliArgs } from "../../../workers/cli-args";

function run(argv: string[], env: NodeJS.ProcessEnv = {}): CliConfig {
  const parsed = parseCliArgs(argv, env);
  if (parsed.kind !== "run") throw new Error(`expected a run config, got ${JSON.stringify(parsed)}`);
  return parsed.config;
}

function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const parsed = parseCliArgs(argv, env);
  if (parsed.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe("parseCliArgs", () => {
  it("defaults to the simulated engine, the fleet's own slot count and real-time latency", () => {
    expect(run(["--fleet", "hohhot-ascend-910b"])).toMatchObject({
      fleetId: "hohhot-ascend-910b",
      engine: "simulated",
      concurrency: undefined,
      latencyScale: 1,
      failRate: 0,
      waitTimeSeconds: 20,
    });
  });

  it("treats --engine-url as choosing the openai-compatible engine", () => {
    const config = run(["--fleet", "f1", "--engine-url", "http://127.0.0.1:8000"]);
    expect(config).toMatchObject({ engine: "openai-compatible", engineUrl: "http://127.0.0.1:8000" });
  });

  it("reads the API key from the named environment variable", () => {
    const config = run(["--fleet", "f1", "--engine-url", "http://h:8000", "--api-key-env", "VLLM_KEY"], {
      VLLM_KEY: "sk-1",
    });
    expect(config.apiKey).toBe("sk-1");
  });

  it("parses concurrency, latency scale, queue URL and host id", () => {
    const config = run([
      "--fleet=f1",
      "--concurrency",
      "8",
      "--latency-scale",
      "0",
      "--queue-url",
      "http://127.0.0.1:4566/000000000000/q",
      "--host-id",
      "host-a",
    ]);
    expect(config).toMatchObject({
      concurrency: 8,
      latencyScale: 0,
      queueUrl: "http://127.0.0.1:4566/000000000000/q",
      hostId: "host-a",
    });
  });

  it("returns help for --help", () => {
    expect(parseCliArgs(["--help"], {})).toEqual({ kind: "help" });
  });

  it.each([
    [[], "--fleet <id> is required"],
    [["--fleet", "f1", "--bogus"], "Unknown option"],
    [["--fleet", "f1", "extra"], "unexpected argument"],
    [["--fleet", "f1", "--engine", "tensorrt"], "--engine must be"],
    [["--fleet", "f1", "--engine", "openai-compatible"], "needs --engine-url"],
    [["--fleet", "f1", "--engine", "simulated", "--engine-url", "http://h"], "--engine-url needs"],
    [["--fleet", "f1", "--engine-url", "ftp://h"], "must be http(s)"],
    [["--fleet", "f1", "--engine-url", "not a url"], "not a URL"],
    [["--fleet", "f1", "--concurrency", "0"], "--concurrency must be an integer"],
    [["--fleet", "f1", "--concurrency", "65"], "--concurrency must be an integer"],
    [["--fleet", "f1", "--concurrency", "2.5"], "--concurrency must be an integer"],
    [["--fleet", "f1", "--latency-scale=-1"], "--latency-scale must be a number"],
    [["--fleet", "f1", "--latency-scale", "abc"], "--latency-scale must be a number"],
    [["--fleet", "f1", "--fail-rate", "1.5"], "--fail-rate must be a number"],
    [["--fleet", "f1", "--engine-url", "http://h", "--latency-scale", "0"], "does not apply"],
    [["--fleet", "f1", "--api-key-env", "K"], "does not apply"],
    [["--fleet", "f1", "--engine-url", "http://h", "--api-key-env", "MISSING"], "MISSING is not set"],
    [["--fleet", "f1", "--engine-url", "http://h", "--api-key-env", "1BAD"], "not a variable name"],
    [["--fleet", "bad fleet"], "not a valid fleet id"],
    [["--fleet"], "argument missing"],
    [["--fleet", "f1", "--wait-time-seconds", "21"], "--wait-time-seconds must be an integer"],
  ])("rejects %j", (argv, message) => {
    expect(errorOf(argv)).toContain(message);
  });
});
