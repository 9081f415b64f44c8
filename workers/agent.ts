import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { InferenceEngine } from "./engines/engine";
import {
  type FleetMessage,
  parseFleetMessage,
  TASK_FAILURE_CAUSE_MAX_CHARS,
  toChatRequest,
  type WorkerResult,
} from "./fleet-message";
import { describeError, type Log } from "./log";

// The host-side worker: N pollers long-poll the fleet queue one message at a time, run the order on
// the engine while keeping both the Step Functions task (heartbeat) and the SQS message (visibility)
// alive, report the result with the task token, then delete the message.

export interface AgentOptions {
  fleetId: string;
  queueUrl: string;
  hostId: string;
  engine: InferenceEngine;
  sqs: SQSClient;
  sfn: SFNClient;
  log: Log;
  // Concurrent pollers = orders this host runs at once.
  concurrency: number;
  // ReceiveMessage long-poll wait; 20 is the SQS maximum.
  waitTimeSeconds?: number;
  // Upper bound on one engine call. Default: the DispatchToFleet TimeoutSeconds (300 s), past which
  // Step Functions has given up on the order anyway.
  maxEngineMs?: number;
  // On stop, how long in-flight orders may run before their engine call is aborted (and failed).
  stopGraceMs?: number;
  random?: () => number;
}

// Step Functions answers these when the order no longer waits for us (timed out, canceled, bogus token).
const ORDER_GONE_ERRORS = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);
// Transport backoff: full jitter, exponential, capped.
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 20_000;
// Bounded retries of our own around calls whose loss costs an order (report, delete).
const CALL_MAX_ATTEMPTS = 4;
// After the grace period aborts engines, how long to wait for their failure reports.
const ABORT_REPORT_WAIT_MS = 15_000;
// Visibility granted per extension: several heartbeat intervals, so one slow tick does not let the
// message reappear to another worker while this one still runs it.
const MIN_VISIBILITY_SECONDS = 30;

export class OrderGoneError extends Error {
  override readonly name = "OrderGoneError";
}

type Outcome = "succeeded" | "failed" | "gone" | "unreported";

export class WorkerAgent {
  private stopping = false;
  // Aborted on stop: ends backoff sleeps at once. Long polls are NOT aborted (see pollLoop).
  private readonly stopAbort = new AbortController();
  // Aborted when the stop grace period runs out: in-flight engine calls end and are failed.
  private readonly engineAbort = new AbortController();
  private pollers: Promise<void>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly random: () => number;

  constructor(private readonly options: AgentOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError("concurrency must be an integer >= 1");
    }
    this.random = options.random ?? Math.random;
  }

  start(): void {
    if (this.pollers.length > 0) throw new Error("agent already started");
    const { fleetId, queueUrl, hostId, concurrency, engine } = this.options;
    this.options.log("info", "agent.started", {
      fleetId,
      queueUrl,
      hostId,
      concurrency,
      engine: engine.name,
    });
    for (let i = 0; i < concurrency; i++) this.pollers.push(this.pollLoop(i));
  }

  // Stop polling, give in-flight orders stopGraceMs to finish, then abort their engines (they are
  // reported as EngineError) and wait a bounded time for those reports.
  async stop(): Promise<void> {
    if (this.stopping) return this.waitForPollers();
    this.stopping = true;
    const { log } = this.options;
    log("info", "agent.stopping", { inFlight: this.inFlight.size });
    this.stopAbort.abort(new Error("agent stopping"));

    const graceMs = this.options.stopGraceMs ?? 30_000;
    const finished = await settleWithin([...this.inFlight], graceMs);
    if (!finished) {
      log("warn", "agent.abortingInFlight", { inFlight: this.inFlight.size, graceMs });
      this.engineAbort.abort(new Error("worker stopping"));
      await settleWithin([...this.inFlight], ABORT_REPORT_WAIT_MS);
    }
    await this.waitForPollers();
    log("info", "agent.stopped", { inFlight: this.inFlight.size });
  }

  // A poller ends once its current long poll returns: at most the wait time plus the request timeout.
  private async waitForPollers(): Promise<void> {
    await settleWithin(this.pollers, (this.options.waitTimeSeconds ?? 20) * 1000 + ABORT_REPORT_WAIT_MS);
  }

  // Runs until stop(); each iteration is one bounded long poll, and failures back off with jitter.
  private async pollLoop(poller: number): Promise<void> {
    const { sqs, queueUrl, log } = this.options;
    let consecutiveErrors = 0;
    while (!this.stopping) {
      let messages: Message[];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            // 1, not 10: the local SQS emulator holds a Max>1 long poll until the wait ends, which
            // would add up to 20 s latency per order. Parallelism comes from `concurrency` pollers.
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
            MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          }),
          // No abortSignal on purpose: aborting a long poll on stop leaves the server holding it, and a
          // message that arrives meanwhile is "received" by nobody and stays invisible for the whole
          // visibility timeout. Letting the poll end and handing back what it got loses nothing.
        );
        messages = out.Messages ?? [];
        consecutiveErrors = 0;
      } catch (error) {
        if (this.stopping) break;
        consecutiveErrors++;
        const delayMs = this.backoffMs(consecutiveErrors);
        log("warn", "queue.receiveFailed", { poller, error: describeError(error), retryInMs: delayMs });
        await sleep(delayMs, this.stopAbort.signal);
        continue;
      }
      for (const message of messages) {
        if (this.stopping) {
          // Received as we were stopping: hand it straight back rather than start an order we may cut short.
          if (message.ReceiptHandle !== undefined) {
            await this.changeVisibility(message.ReceiptHandle, 0).catch(() => undefined);
          }
          continue;
        }
        // Tracked so stop() can wait for it; the poller itself awaits it (one order per poller).
        const run = this.handleMessage(message);
        this.inFlight.add(run);
        try {
          await run;
        } catch (error) {
          // handleMessage catches what it expects; anything else must not kill the poller.
          log("error", "message.unexpectedError", {
            messageId: message.MessageId,
            error: describeError(error),
          });
        } finally {
          this.inFlight.delete(run);
        }
      }
    }
  }

  private async handleMessage(message: Message): Promise<void> {
    const { log, fleetId, hostId } = this.options;
    const receiptHandle = message.ReceiptHandle;
    if (receiptHandle === undefined) return;
    const parsed = parseFleetMessage(message.Body);
    if (!parsed.ok) {
      // Not deleted: visibility 0 hands it straight back, and after maxReceiveCount receives the
      // queue's redrive policy moves it to the DLQ, where an operator can read it.
      log("error", "message.unparseable", {
        messageId: message.MessageId,
        receiveCount: message.Attributes?.ApproximateReceiveCount,
        reason: parsed.reason.slice(0, 1000),
      });
      await this.changeVisibility(receiptHandle, 0).catch((error) =>
        log("warn", "message.releaseFailed", { messageId: message.MessageId, error: describeError(error) }),
      );
      return;
    }
    const order = parsed.message;
    const startedAt = Date.now();
    log("info", "order.started", {
      orderId: order.orderId,
      fleetId,
      hostId,
      model: order.model,
      messageId: message.MessageId,
      receiveCount: message.Attributes?.ApproximateReceiveCount,
    });
    if (order.fleetId !== fleetId) {
      log("warn", "order.fleetMismatch", { orderId: order.orderId, messageFleetId: order.fleetId, fleetId });
    }

    const outcome = await this.runOrder(order, receiptHandle);
    // An unreported order keeps its message: it reappears after the visibility timeout and this or
    // another worker runs it again, which is the at-least-once delivery the task token tolerates.
    let deleted = false;
    if (outcome.kind !== "unreported") {
      deleted = await this.withRetries("DeleteMessage", () =>
        this.options.sqs.send(
          new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: receiptHandle }),
        ),
      ).then(
        () => true,
        (error) => {
          log("error", "message.deleteFailed", { orderId: order.orderId, error: describeError(error) });
          return false;
        },
      );
    }
    log(outcome.kind === "succeeded" ? "info" : "warn", "order.done", {
      orderId: order.orderId,
      fleetId,
      hostId,
      outcome: outcome.kind,
      durationMs: Date.now() - startedAt,
      messageDeleted: deleted,
      ...outcome.fields,
    });
  }

  private async runOrder(
    order: FleetMessage,
    receiptHandle: string,
  ): Promise<{ kind: Outcome; fields: Record<string, unknown> }> {
    const { sfn, engine, hostId, log } = this.options;
    const taskToken = order.taskToken;

    // Before any work, together: extend the visibility (the queue's default may be shorter than our
    // first tick) and send a first heartbeat, which resets the heartbeat clock (the message may have
    // waited in the queue) and tells us at once if the order is gone, so we never burn compute on it.
    const visibilitySeconds = visibilityFor(order);
    const [heartbeat] = await Promise.allSettled([
      this.withRetries("SendTaskHeartbeat", () => sfn.send(new SendTaskHeartbeatCommand({ taskToken }))),
      this.changeVisibility(receiptHandle, visibilitySeconds).catch((error) =>
        log("warn", "message.extendFailed", { orderId: order.orderId, error: describeError(error) }),
      ),
    ]);
    if (heartbeat.status === "rejected") {
      if (isOrderGone(heartbeat.reason))
        return { kind: "gone", fields: { reason: errorName(heartbeat.reason) } };
      log("warn", "order.heartbeatFailed", {
        orderId: order.orderId,
        error: describeError(heartbeat.reason),
      });
    }

    const runAbort = new AbortController();
    const keepAlive = this.keepAlive(order, receiptHandle, runAbort);
    let result: Awaited<ReturnType<InferenceEngine["complete"]>> | undefined;
    let engineError: unknown;
    try {
      const signal = AbortSignal.any([
        runAbort.signal,
        this.engineAbort.signal,
        AbortSignal.timeout(this.options.maxEngineMs ?? 300_000),
      ]);
      result = await engine.complete(toChatRequest(order), signal);
    } catch (error) {
      engineError = error;
    } finally {
      keepAlive.stop();
    }
    await keepAlive.done;
    if (keepAlive.gone()) return { kind: "gone", fields: { reason: keepAlive.gone() } };

    try {
      if (result !== undefined) {
        const output: WorkerResult = {
          content: result.content,
          finishReason: result.finishReason,
          usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens },
          hostId,
          engine: engine.name,
          busyMs: result.busyMs,
        };
        await this.withRetries("SendTaskSuccess", () =>
          sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
        );
        return {
          kind: "succeeded",
          fields: {
            busyMs: result.busyMs,
            promptTokens: result.promptTokens,
            completionTokens: result.completionTokens,
            finishReason: result.finishReason,
          },
        };
      }
      const stopping = this.engineAbort.signal.aborted ? "worker stopping; " : "";
      const cause = `${stopping}${describeError(engineError)}`.slice(0, TASK_FAILURE_CAUSE_MAX_CHARS);
      await this.withRetries("SendTaskFailure", () =>
        sfn.send(new SendTaskFailureCommand({ taskToken, error: "EngineError", cause })),
      );
      return { kind: "failed", fields: { cause: cause.slice(0, 1000) } };
    } catch (error) {
      if (isOrderGone(error)) return { kind: "gone", fields: { reason: errorName(error) } };
      return { kind: "unreported", fields: { error: describeError(error) } };
    }
  }

  // While the engine runs: heartbeat the task and extend the message visibility every
  // heartbeatSeconds/3 s. Ticks run one after another (never overlap) and stop with the engine.
  private keepAlive(order: FleetMessage, receiptHandle: string, runAbort: AbortController) {
    const { sfn, log } = this.options;
    const intervalMs = Math.max(250, (order.heartbeatSeconds * 1000) / 3);
    const visibilitySeconds = visibilityFor(order);
    const stopAbort = new AbortController();
    let goneReason: string | undefined;

    const tick = async () => {
      const [heartbeat, visibility] = await Promise.allSettled([
        sfn.send(new SendTaskHeartbeatCommand({ taskToken: order.taskToken })),
        this.changeVisibility(receiptHandle, visibilitySeconds),
      ]);
      if (heartbeat.status === "rejected") {
        if (isOrderGone(heartbeat.reason)) {
          // Nobody waits for this result any more: stop the engine instead of finishing for nothing.
          goneReason = errorName(heartbeat.reason);
          runAbort.abort(new OrderGoneError(goneReason));
          return;
        }
        log("warn", "order.heartbeatFailed", {
          orderId: order.orderId,
          error: describeError(heartbeat.reason),
        });
      }
      if (visibility.status === "rejected") {
        log("warn", "message.extendFailed", {
          orderId: order.orderId,
          error: describeError(visibility.reason),
        });
      }
    };

    const done = (async () => {
      // Bounded by the engine call, which is bounded by maxEngineMs.
      while (!stopAbort.signal.aborted && goneReason === undefined) {
        await sleep(intervalMs, stopAbort.signal);
        if (stopAbort.signal.aborted) break;
        await tick();
      }
    })();

    return {
      stop: () => stopAbort.abort(),
      done,
      gone: () => goneReason,
    };
  }

  private changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number) {
    return this.options.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.options.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: visibilityTimeoutSeconds,
      }),
    );
  }

  // Bounded retries with jittered backoff on transport errors; "order gone" answers are final.
  private async withRetries<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= CALL_MAX_ATTEMPTS; attempt++) {
      try {
        return await call();
      } catch (error) {
        lastError = error;
        if (isOrderGone(error) || !isRetryable(error) || attempt === CALL_MAX_ATTEMPTS) break;
        const delayMs = this.backoffMs(attempt);
        this.options.log("warn", "aws.callFailed", {
          operation,
          attempt,
          error: describeError(error),
          retryInMs: delayMs,
        });
        await sleep(delayMs);
      }
    }
    throw lastError;
  }

  private backoffMs(attempt: number): number {
    const ceilingMs = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
    return Math.round(this.random() * ceilingMs);
  }
}

function visibilityFor(order: FleetMessage): number {
  return Math.max(MIN_VISIBILITY_SECONDS, Math.ceil(order.heartbeatSeconds * 3));
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "UnknownError";
}

export function isOrderGone(error: unknown): boolean {
  return ORDER_GONE_ERRORS.has(errorName(error));
}

// Client errors (4xx other than throttling) will fail the same way again; everything else is transport.
function isRetryable(error: unknown): boolean {
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  const status = meta?.httpStatusCode;
  if (status === undefined) return true;
  if (status === 429) return true;
  return status >= 500;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

// Resolves true if all settle within ms, false on timeout; never rejects.
async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  const timeout = new AbortController();
  const all = Promise.allSettled(promises).then(() => true);
  const timer = sleep(ms, timeout.signal).then(() => false);
  const finished = await Promise.race([all, timer]);
  timeout.abort();
  return finished;
}
