import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import type { DeployedFunction } from "../deploy/deployer";
import { LambdaInvocationError } from "./lambda-error";

// Warm child processes for one function. Choice: a small pool (LOCAL_LAMBDA_PROCESSES, default 2) where each
// process accepts many concurrent invocations over IPC. Handlers are async and I/O bound, so this gives
// Lambda-like throughput at a fraction of the memory of one process per concurrent request; the cost is that
// module-scope state is shared between concurrent invocations (as with Lambda's reuse, but concurrently).

const BOOTSTRAP = path.join(import.meta.dirname, "runtime-bootstrap.mjs");
/** A second process is started when every running one has this many invocations in flight. */
const SPAWN_WHEN_IN_FLIGHT = 4;
/** Bound on in-flight invocations per process; beyond it callers get TooManyRequestsException. */
const MAX_IN_FLIGHT_PER_PROCESS = 500;

export interface PoolOptions {
  maxProcesses: number;
  edgeUrl: string;
  /** DynamoDB Local's own URL, known once it started. */
  dynamodbUrl?: string;
  logDir: string;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

class RuntimeProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly pending = new Map<string, Pending>();
  exited = false;
  isReady = false;

  constructor(
    fn: DeployedFunction,
    env: NodeJS.ProcessEnv,
    logFd: number,
    onExit: (p: RuntimeProcess, wasReady: boolean) => void,
  ) {
    this.child = fork(BOOTSTRAP, [], {
      cwd: fn.assetDir,
      env,
      execArgv: [],
      stdio: ["ignore", logFd, logFd, "ipc"],
      serialization: "advanced",
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.once("message", (msg: { type?: string; errorType?: string; errorMessage?: string }) => {
        if (msg.type === "ready") {
          this.isReady = true;
          resolve();
        } else
          reject(
            new LambdaInvocationError(msg.errorType ?? "Runtime.ImportModuleError", msg.errorMessage ?? ""),
          );
      });
      this.child.once("exit", () =>
        reject(new LambdaInvocationError("Runtime.ExitError", "runtime exited on init")),
      );
    });
    this.ready.catch(() => {});
    this.child.on(
      "message",
      (msg: { type?: string; id?: string; ok?: boolean } & Record<string, unknown>) => {
        if (msg.type !== "result" || !msg.id) return;
        const pending = this.pending.get(msg.id);
        if (!pending) return;
        this.pending.delete(msg.id);
        clearTimeout(pending.timer);
        if (msg.ok) pending.resolve(msg.result);
        else
          pending.reject(
            new LambdaInvocationError(
              String(msg.errorType ?? "Error"),
              String(msg.errorMessage ?? ""),
              (msg.trace as string[] | undefined) ?? [],
            ),
          );
      },
    );
    this.child.on("exit", (code, signal) => {
      this.exited = true;
      for (const [id, pending] of this.pending) {
        clearTimeout(pending.timer);
        pending.reject(
          new LambdaInvocationError(
            "Runtime.ExitError",
            `RequestId: ${id} Error: Runtime exited (${code ?? signal})`,
          ),
        );
      }
      this.pending.clear();
      onExit(this, this.isReady);
    });
  }
}

export class FunctionPool {
  private readonly processes: RuntimeProcess[] = [];
  private readonly logFd: number;
  private closed = false;

  constructor(
    readonly fn: DeployedFunction,
    private readonly options: PoolOptions,
  ) {
    this.logFd = openSync(path.join(options.logDir, `${fn.name}.log`), "a");
  }

  /** Starts the first process now so the first request does not pay for loading the bundle. */
  async warm(): Promise<void> {
    await this.spawn().ready;
  }

  async invoke(event: unknown, requestId: string = randomUUID()): Promise<unknown> {
    const proc = this.pick();
    await proc.ready;
    if (proc.exited) throw new LambdaInvocationError("Runtime.ExitError", "runtime exited");
    if (proc.pending.size >= MAX_IN_FLIGHT_PER_PROCESS) {
      throw new LambdaInvocationError("TooManyRequestsException", "Rate Exceeded.");
    }
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.pending.delete(requestId);
        reject(
          new LambdaInvocationError(
            "Sandbox.Timedout",
            `RequestId: ${requestId} Error: Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          ),
        );
      }, timeoutMs);
      proc.pending.set(requestId, { resolve, reject, timer });
      proc.child.send({
        type: "invoke",
        id: requestId,
        requestId,
        event,
        functionArn: this.fn.arn,
        deadlineMs: Date.now() + timeoutMs,
      });
    });
  }

  close(): void {
    this.closed = true;
    for (const proc of this.processes) proc.child.kill("SIGKILL");
    this.processes.length = 0;
    closeSync(this.logFd);
  }

  private pick(): RuntimeProcess {
    let best: RuntimeProcess | undefined;
    let starting: RuntimeProcess | undefined;
    for (const proc of this.processes) {
      if (!proc.isReady) {
        starting ??= proc;
        continue;
      }
      if (!best || proc.pending.size < best.pending.size) best = proc;
    }
    const busy = !best || best.pending.size >= SPAWN_WHEN_IN_FLIGHT;
    if (busy && !starting && this.processes.length < this.options.maxProcesses) {
      // Scale out in the background: loading a bundle takes a while, and the running process is still the
      // fastest way to serve this invocation.
      starting = this.spawn();
      starting.ready.catch(() => {});
    }
    return best ?? starting ?? this.spawn();
  }

  private spawn(): RuntimeProcess {
    const proc = new RuntimeProcess(this.fn, this.childEnv(), this.logFd, (exited, wasReady) => {
      const index = this.processes.indexOf(exited);
      if (index >= 0) this.processes.splice(index, 1);
      // A crashed process is replaced at once so the next request does not pay a cold start. Only one that had
      // loaded its handler is: a handler that fails on import would otherwise restart forever.
      if (wasReady && !this.closed && this.processes.length === 0) this.spawn().ready.catch(() => {});
    });
    if (!this.closed) this.processes.push(proc);
    return proc;
  }

  private childEnv(): NodeJS.ProcessEnv {
    const { fn, options } = this;
    const inherited: NodeJS.ProcessEnv = {};
    for (const key of ["PATH", "HOME", "LANG", "TMPDIR"]) {
      if (process.env[key] !== undefined) inherited[key] = process.env[key];
    }
    return {
      ...inherited,
      // The AWS SDK's documented switch for its 9-line "NodeVersionSupportWarning" on Node < 22.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...fn.environment,
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_SESSION_TOKEN: "",
      AWS_ENDPOINT_URL: options.edgeUrl,
      // Functions talk to DynamoDB Local directly (the standard per-service endpoint variable): the edge
      // proxy hop costs a third of DynamoDB Local's throughput, and the store is the pipeline's bottleneck.
      ...(options.dynamodbUrl ? { AWS_ENDPOINT_URL_DYNAMODB: options.dynamodbUrl } : {}),
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/${process.pid}`,
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR",
      LAMBDA_TASK_ROOT: fn.assetDir,
      _HANDLER: fn.handler,
      TZ: ":UTC",
    };
  }
}
