import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSqsServer } from "local-aws-sqs";

// Real servers on 127.0.0.1 for worker tests: the local-aws-sqs emulator (queues, visibility, redrive)
// and a minimal Step Functions task-token endpoint (JSON 1.0 protocol) that records SendTask* calls
// and answers TaskTimedOut for tokens starting with "gone-".

export type SfnCall = { action: string; input: Record<string, unknown> };

export interface LocalServers {
  sqsEndpoint: string;
  sfnEndpoint: string;
  sfnCalls: SfnCall[];
  close(): Promise<void>;
}

export async function startLocalServers(): Promise<LocalServers> {
  const sqsServer = await createSqsServer({ port: 0, hostname: "127.0.0.1" });
  const sfnCalls: SfnCall[] = [];
  const sfnServer = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const action = String(req.headers["x-amz-target"]).replace("AWSStepFunctions.", "");
      const input = JSON.parse(raw) as Record<string, unknown>;
      sfnCalls.push({ action, input });
      res.setHeader("content-type", "application/x-amz-json-1.0");
      if (String(input.taskToken).startsWith("gone-")) {
        res.writeHead(400).end(JSON.stringify({ __type: "TaskTimedOut", message: "Task Timed Out" }));
        return;
      }
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => sfnServer.listen(0, "127.0.0.1", resolve));
  return {
    sqsEndpoint: endpointOf(sqsServer),
    sfnEndpoint: endpointOf(sfnServer),
    sfnCalls,
    async close() {
      for (const server of [sqsServer, sfnServer]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

function endpointOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("condition not met in time");
}
