import { type IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { loadPatchedLocalAwsSqs } from "./local-aws-sqs-patched";

/** SQS on the edge port: local-aws-sqs (JSON and query protocols) mounted as a request handler. */

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export class SqsService {
  private readonly requestHandler: RequestHandler;
  /** Queue names some consumer has polled: how the local cloud knows its workers are up. */
  private readonly polled = new Set<string>();

  constructor(edgePort: number, region: string, accountId: string) {
    const { createRequestHandler } = loadPatchedLocalAwsSqs();
    const { requestHandler } = createRequestHandler({
      port: edgePort,
      hostname: "127.0.0.1",
      region,
      accountId,
      // Queues live in memory for one run; AWS's 60 s "recently deleted" rule only gets in tests' way.
      emulateQueueCreationLifecycle: false,
    });
    this.requestHandler = requestHandler;
  }

  /** Resolves once every queue in `queueUrls` has been polled, or after `timeoutMs` with the ones that were not. */
  async waitForConsumers(queueUrls: readonly string[], timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const missing = () => queueUrls.filter((url) => !this.polled.has(queueName(url)));
    // Polling a Set every 100 ms is cheap and bounded by the deadline.
    while (missing().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return missing();
  }

  /** Handles one request whose body the edge server has already read. */
  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const action = String(req.headers["x-amz-target"] ?? "").replace("AmazonSQS.", "");
    const input = action === "ReceiveMessage" ? parseJson(body) : undefined;
    const queueUrl = typeof input?.QueueUrl === "string" ? input.QueueUrl : undefined;
    if (action !== "ReceiveMessage" || queueUrl === undefined) {
      await this.requestHandler(replay(req, body), res);
      return;
    }
    this.polled.add(queueName(queueUrl));
    // A consumer that dies during a long poll leaves its request open here; the emulator would still hand it
    // messages, which then stay invisible for a whole visibility timeout although nobody has them. Watch the
    // connection and put such messages straight back.
    let clientGone = false;
    res.once("close", () => {
      if (!res.writableFinished) clientGone = true;
    });
    const written: Buffer[] = [];
    const end = res.end.bind(res);
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === "string" || chunk instanceof Buffer) written.push(Buffer.from(chunk));
      return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
    }) as ServerResponse["end"];
    await this.requestHandler(replay(req, body), res);
    if (clientGone || res.destroyed) await this.returnToQueue(req, queueUrl, written);
  }

  /** ChangeMessageVisibility 0 for every message of an undelivered ReceiveMessage response (bounded: ≤ 10). */
  private async returnToQueue(
    req: IncomingMessage,
    queueUrl: string,
    written: readonly Buffer[],
  ): Promise<void> {
    const response = parseJson(Buffer.concat(written));
    const messages = Array.isArray(response?.Messages)
      ? (response.Messages as { ReceiptHandle?: unknown }[])
      : [];
    for (const message of messages.slice(0, 10)) {
      if (typeof message.ReceiptHandle !== "string") continue;
      const request = Buffer.from(
        JSON.stringify({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }),
      );
      const fake = replay(req, request);
      fake.headers = { ...req.headers, "x-amz-target": "AmazonSQS.ChangeMessageVisibility" };
      // The answer goes nowhere: there is no client left to read it.
      await this.requestHandler(fake, new ServerResponse(fake));
    }
  }
}

function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from([body]) as unknown as IncomingMessage;
  copy.headers = req.headers;
  copy.method = req.method;
  copy.url = req.url;
  return copy;
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body.toString("utf8")) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function queueName(queueUrl: string): string {
  return queueUrl.split("/").filter(Boolean).at(-1) ?? queueUrl;
}
