import { randomBytes } from "node:crypto";
import { SfnApiError, StateError } from "./sfn-errors";

// Task tokens for `.waitForTaskToken` tasks, which aws-local-stepfunctions does not have: one real token per
// dispatch, resolved by SendTaskSuccess/Failure, kept alive by SendTaskHeartbeat, failed with
// States.HeartbeatTimeout / States.Timeout like the real service.

/** Closed tokens are remembered (bounded) so late callers get TaskTimedOut rather than TaskDoesNotExist. */
const MAX_CLOSED_TOKENS = 20_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,1024}$/;
// setTimeout cannot wait longer than 2^31-1 ms; longer limits are effectively "no limit" locally.
const MAX_TIMER_MS = 2_147_483_647;
// The engine enforces TimeoutSeconds itself (its error is the one Catch must see, since States.TaskFailed does
// not match it); ours fires just after, to close the token so late answers get TaskTimedOut.
const TIMEOUT_GRACE_MS = 25;

interface OpenToken {
  resolve(output: unknown): void;
  reject(error: Error): void;
  heartbeatMs: number | undefined;
  heartbeatTimer: NodeJS.Timeout | undefined;
  timeoutTimer: NodeJS.Timeout | undefined;
}

export interface WaitLimits {
  timeoutSeconds: number | undefined;
  heartbeatSeconds: number | undefined;
}

export class TaskTokens {
  private readonly open = new Map<string, OpenToken>();
  private readonly closed = new Set<string>();

  issue(): string {
    return randomBytes(48).toString("base64url");
  }

  /** Waits for the worker's answer to `token`, enforcing the task's timeout and heartbeat interval. */
  wait(token: string, limits: WaitLimits): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const entry: OpenToken = {
        resolve,
        reject,
        heartbeatMs: limits.heartbeatSeconds ? limits.heartbeatSeconds * 1000 : undefined,
        heartbeatTimer: undefined,
        timeoutTimer: undefined,
      };
      if (limits.timeoutSeconds) {
        entry.timeoutTimer = setTimeout(
          () => this.fail(token, new StateError("States.Timeout", "")),
          Math.min(limits.timeoutSeconds * 1000 + TIMEOUT_GRACE_MS, MAX_TIMER_MS),
        );
      }
      this.open.set(token, entry);
      this.armHeartbeat(token, entry);
    });
  }

  /** Closes a token without an answer (execution stopped or the engine gave up on the task). */
  cancel(token: string): void {
    const entry = this.open.get(token);
    if (!entry) return;
    this.close(token, entry);
    entry.reject(new StateError("States.Runtime", "task canceled"));
  }

  succeed(token: string, output: unknown): void {
    const entry = this.openEntry(token);
    this.close(token, entry);
    entry.resolve(output);
  }

  failTask(token: string, error: string, cause: string): void {
    const entry = this.openEntry(token);
    this.close(token, entry);
    entry.reject(new StateError(error, cause));
  }

  heartbeat(token: string): void {
    const entry = this.openEntry(token);
    this.armHeartbeat(token, entry);
  }

  closeAll(): void {
    for (const token of [...this.open.keys()]) this.cancel(token);
  }

  private fail(token: string, error: Error): void {
    const entry = this.open.get(token);
    if (!entry) return;
    this.close(token, entry);
    entry.reject(error);
  }

  private armHeartbeat(token: string, entry: OpenToken): void {
    if (entry.heartbeatMs === undefined) return;
    if (entry.heartbeatTimer) clearTimeout(entry.heartbeatTimer);
    entry.heartbeatTimer = setTimeout(
      () => this.fail(token, new StateError("States.HeartbeatTimeout", "")),
      Math.min(entry.heartbeatMs, MAX_TIMER_MS),
    );
  }

  private openEntry(token: string): OpenToken {
    if (!TOKEN_PATTERN.test(token)) throw new SfnApiError("InvalidToken", "Invalid Token: 'Invalid token'");
    const entry = this.open.get(token);
    if (entry) return entry;
    if (this.closed.has(token)) {
      throw new SfnApiError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw new SfnApiError("TaskDoesNotExist", "Task does not exist");
  }

  private close(token: string, entry: OpenToken): void {
    if (entry.heartbeatTimer) clearTimeout(entry.heartbeatTimer);
    if (entry.timeoutTimer) clearTimeout(entry.timeoutTimer);
    this.open.delete(token);
    this.closed.add(token);
    if (this.closed.size > MAX_CLOSED_TOKENS) {
      const oldest = this.closed.values().next().value;
      if (oldest !== undefined) this.closed.delete(oldest);
    }
  }
}
