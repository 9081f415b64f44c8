// The API's view of the order state machine: record the order, start an execution named after it
// (StartExecution is idempotent by name) and wait for it, bounded, by polling DescribeExecution.
import { createHash, randomBytes } from "node:crypto";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { createQueuedOrder, getOrder } from "../store/order-store";
import { type TableRef, TransactionCancelled } from "../store/table";

/** Order id: derived from the Idempotency-Key when there is one, so the retry of a timed-out call finds its order. */
export function orderIdFor(accountId: string, idempotencyKey: string | undefined): string {
  const suffix =
    idempotencyKey === undefined
      ? randomBytes(12).toString("base64url")
      : createHash("sha256").update(`${accountId}\u0000${idempotencyKey}`).digest("base64url").slice(0, 16);
  // Execution names allow [A-Za-z0-9-_] up to 80 chars.
  return `ord_${suffix}`;
}

/** The execution input of docs/contracts.md. */
export interface OrderExecutionInput {
  readonly orderId: string;
  readonly accountId: string;
  readonly model: string;
  readonly request: unknown;
  readonly routing?: unknown;
  readonly createdAt: string;
}

/** arn:aws:states:<region>:<account>:stateMachine:<name> → …:execution:<name>:<executionName>. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName}`;
}

/** Starts (or finds) the execution of an order; returns its ARN. */
export async function startOrderExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  input: OrderExecutionInput,
): Promise<string> {
  try {
    const out = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: input.orderId, input: JSON.stringify(input) }),
    );
    return out.executionArn ?? executionArnFor(stateMachineArn, input.orderId);
  } catch (error) {
    // Same name with a different input (a retry has a new createdAt): the order already runs; wait on that one.
    if (error instanceof ExecutionAlreadyExists) return executionArnFor(stateMachineArn, input.orderId);
    throw error;
  }
}

/**
 * Records the order (queued, so GET /v1/orders/{id} answers at once) and starts its execution. A retry with the
 * same order id (same Idempotency-Key) finds its own row and re-attaches to the execution.
 */
export async function submitOrder(
  table: TableRef,
  sfn: SFNClient,
  stateMachineArn: string,
  input: OrderExecutionInput,
): Promise<string> {
  try {
    await createQueuedOrder(table, {
      orderId: input.orderId,
      accountId: input.accountId,
      model: input.model,
      createdAt: input.createdAt,
    });
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    const existing = await getOrder(table, input.orderId);
    // Ids are derived per account, so a foreign row here is a bug: fail rather than share it.
    if (existing?.accountId !== input.accountId) throw error;
  }
  return startOrderExecution(sfn, stateMachineArn, input);
}

export type ExecutionOutcome =
  | { readonly status: "RUNNING" }
  | { readonly status: "SUCCEEDED"; readonly output: unknown }
  | { readonly status: "FAILED" | "TIMED_OUT" | "ABORTED"; readonly error?: string; readonly cause?: string };

export interface WaitOptions {
  readonly maxWaitMs: number;
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** First poll delay: a simulated order settles in tens of ms, so the first checks come quickly. */
const POLL_FIRST_MS = 5;
/** Delay cap: bounds the added latency to 100 ms and a 25 s wait to ~260 DescribeExecution calls. */
const POLL_MAX_MS = 100;
const POLL_GROWTH = 1.5;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until the execution ends or `maxWaitMs` passes (then RUNNING). */
export async function waitForOrderExecution(
  sfn: SFNClient,
  executionArn: string,
  opts: WaitOptions,
): Promise<ExecutionOutcome> {
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const maxDelayMs = opts.maxDelayMs ?? POLL_MAX_MS;
  const deadline = now() + Math.max(0, opts.maxWaitMs);
  for (
    let delayMs = opts.firstDelayMs ?? POLL_FIRST_MS;
    ;
    delayMs = Math.min(maxDelayMs, delayMs * POLL_GROWTH)
  ) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    switch (out.status) {
      case "SUCCEEDED":
        return { status: "SUCCEEDED", output: out.output ? (JSON.parse(out.output) as unknown) : undefined };
      case "FAILED":
      case "TIMED_OUT":
      case "ABORTED":
        return {
          status: out.status,
          ...(out.error ? { error: out.error } : {}),
          ...(out.cause ? { cause: out.cause } : {}),
        };
      default:
        break;
    }
    const remainingMs = deadline - now();
    if (remainingMs <= 0) return { status: "RUNNING" };
    await sleep(Math.min(delayMs, remainingMs));
  }
}
