import { randomUUID } from "node:crypto";
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
} from "aws-local-stepfunctions";
import { SfnApiError } from "./sfn-errors";
import {
  makeTaskHandler,
  type TaskBackends,
  type TaskHandler,
  type TaskState,
  type TokenHolder,
} from "./task-handlers";

// The Step Functions API (JSON protocol) over aws-local-stepfunctions, with executions kept in memory.

const MAX_CLOSED_EXECUTIONS = 10_000;
const MAX_HISTORY_EVENTS = 500;
const MAX_LIST_RESULTS = 1000;
// A Task without TimeoutSeconds waits "forever" on AWS; the library defaults to 60 s, and timers cap at 2^31 ms.
const NO_TIMEOUT_SECONDS = 2_147_483;

type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

interface Definition {
  States: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

interface RegisteredStateMachine {
  arn: string;
  name: string;
  definitionText: string;
  roleArn: string;
  type: string;
  createdAt: Date;
  machine: StateMachine;
  taskStates: Map<string, TaskState>;
}

interface Execution {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  abort: () => void;
  history: { type: string; timestamp: Date; details: Record<string, unknown> }[];
  holder: TokenHolder;
  done: Promise<void>;
}

type Body = Record<string, unknown>;

export class SfnService {
  private readonly machines = new Map<string, RegisteredStateMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly closedOrder: string[] = [];

  constructor(
    private readonly backends: TaskBackends,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  createStateMachine(
    name: string,
    definitionText: string,
    roleArn = "",
    type = "STANDARD",
  ): RegisteredStateMachine {
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definitionText === definitionText) return existing;
      throw new SfnApiError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
    }
    let definition: Definition;
    try {
      definition = JSON.parse(definitionText) as Definition;
    } catch (error) {
      throw new SfnApiError(
        "InvalidDefinition",
        `Invalid State Machine Definition: ${(error as Error).message}`,
      );
    }
    const taskStates = new Map<string, TaskState>();
    const patched = patchDefinition(structuredClone(definition), taskStates);
    let machine: StateMachine;
    try {
      machine = new StateMachine(patched as never, {
        validationOptions: { checkArn: false, checkPaths: true },
      });
    } catch (error) {
      throw new SfnApiError(
        "InvalidDefinition",
        `Invalid State Machine Definition: ${(error as Error).message}`,
      );
    }
    const registered = {
      arn,
      name,
      definitionText,
      roleArn,
      type,
      createdAt: new Date(),
      machine,
      taskStates,
    };
    this.machines.set(arn, registered);
    return registered;
  }

  close(): void {
    for (const execution of this.executions.values()) if (execution.status === "RUNNING") execution.abort();
    this.backends.tokens.closeAll();
  }

  /** Dispatches one JSON-protocol action (`AWSStepFunctions.<Action>`). */
  async handle(action: string, body: Body): Promise<unknown> {
    switch (action) {
      case "CreateStateMachine": {
        const sm = this.createStateMachine(
          requireString(body, "name"),
          requireString(body, "definition"),
          String(body.roleArn ?? ""),
          String(body.type ?? "STANDARD"),
        );
        return { stateMachineArn: sm.arn, creationDate: epoch(sm.createdAt) };
      }
      case "DescribeStateMachine": {
        const sm = this.machine(requireString(body, "stateMachineArn"));
        return {
          stateMachineArn: sm.arn,
          name: sm.name,
          status: "ACTIVE",
          definition: sm.definitionText,
          roleArn: sm.roleArn,
          type: sm.type,
          creationDate: epoch(sm.createdAt),
        };
      }
      case "ListStateMachines":
        return {
          stateMachines: [...this.machines.values()].map((sm) => ({
            stateMachineArn: sm.arn,
            name: sm.name,
            type: sm.type,
            creationDate: epoch(sm.createdAt),
          })),
        };
      case "DeleteStateMachine":
        this.machines.delete(requireString(body, "stateMachineArn"));
        return {};
      case "StartExecution": {
        const execution = this.start(body);
        return { executionArn: execution.arn, startDate: epoch(execution.startDate) };
      }
      case "StartSyncExecution": {
        const execution = this.start(body);
        await execution.done;
        return { ...this.describe(execution), billingDetails: {} };
      }
      case "DescribeExecution":
        return this.describe(this.execution(requireString(body, "executionArn")));
      case "StopExecution": {
        const execution = this.execution(requireString(body, "executionArn"));
        if (execution.status === "RUNNING") {
          this.finish(execution, "ABORTED", {
            error: body.error === undefined ? undefined : String(body.error),
            cause: body.cause === undefined ? undefined : String(body.cause),
          });
          execution.abort();
        }
        return { stopDate: epoch(execution.stopDate ?? new Date()) };
      }
      case "ListExecutions":
        return this.list(body);
      case "GetExecutionHistory": {
        const execution = this.execution(requireString(body, "executionArn"));
        const events = execution.history.map((event, i) => ({
          id: i + 1,
          previousEventId: i,
          timestamp: epoch(event.timestamp),
          type: event.type,
          ...event.details,
        }));
        return { events: body.reverseOrder === true ? events.reverse() : events };
      }
      case "SendTaskSuccess": {
        const token = requireString(body, "taskToken");
        let output: unknown;
        try {
          output = JSON.parse(requireString(body, "output"));
        } catch {
          throw new SfnApiError("InvalidOutput", "Invalid Output: output is not valid JSON");
        }
        this.backends.tokens.succeed(token, output);
        return {};
      }
      case "SendTaskFailure":
        this.backends.tokens.failTask(
          requireString(body, "taskToken"),
          String(body.error ?? ""),
          String(body.cause ?? ""),
        );
        return {};
      case "SendTaskHeartbeat":
        this.backends.tokens.heartbeat(requireString(body, "taskToken"));
        return {};
      default:
        throw new SfnApiError("UnknownOperationException", `Operation ${action} is not supported locally`);
    }
  }

  private start(body: Body): Execution {
    const sm = this.machine(requireString(body, "stateMachineArn"));
    const name = body.name === undefined ? randomUUID() : String(body.name);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw new SfnApiError("InvalidName", `Invalid Name: '${name}'`);
    }
    const inputText = body.input === undefined ? "{}" : String(body.input);
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnApiError("InvalidExecutionInput", "Invalid State Machine Execution Input: not valid JSON");
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:execution:${sm.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // Idempotent by name like AWS: same input while running → the same execution; otherwise a conflict.
      if (existing.status === "RUNNING" && existing.input === inputText) return existing;
      throw new SfnApiError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
    }
    const holder: TokenHolder = { current: undefined, issued: new Set() };
    const tokens = this.backends.tokens;
    // `$$.Task.Token` is read while a Task's Parameters are evaluated; the getter issues one token per
    // evaluation, which the Task's handler then claims (evaluation and dispatch happen synchronously).
    const taskContext = {};
    Object.defineProperty(taskContext, "Token", {
      enumerable: true,
      get: () => {
        holder.current ??= tokens.issue();
        return holder.current;
      },
    });
    const handlers: Record<string, TaskHandler> = {};
    for (const [stateName, state] of sm.taskStates) {
      handlers[stateName] = makeTaskHandler(state, this.backends, holder);
    }
    const startDate = new Date();
    const run = sm.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: arn, Name: name, RoleArn: sm.roleArn, StartTime: startDate.toISOString() },
        StateMachine: { Id: sm.arn, Name: sm.name },
        Task: taskContext,
      } as never,
    });
    const execution: Execution = {
      arn,
      name,
      stateMachineArn: sm.arn,
      input: inputText,
      status: "RUNNING",
      startDate,
      stopDate: undefined,
      output: undefined,
      error: undefined,
      cause: undefined,
      abort: run.abort,
      history: [{ type: "ExecutionStarted", timestamp: startDate, details: {} }],
      holder,
      done: Promise.resolve(),
    };
    this.executions.set(arn, execution);
    void this.recordHistory(execution, run.eventLogs as AsyncGenerator<Record<string, unknown>>);
    execution.done = run.result.then(
      (output) => {
        if (execution.status === "RUNNING") {
          this.finish(execution, "SUCCEEDED", { output: JSON.stringify(output ?? null) });
        }
      },
      (error: unknown) => {
        if (execution.status !== "RUNNING") return;
        if (error instanceof ExecutionTimeoutError) {
          this.finish(execution, "TIMED_OUT", { error: "States.Timeout", cause: "" });
        } else if (error instanceof ExecutionAbortedError) {
          this.finish(execution, "ABORTED", {});
        } else {
          const cause =
            error instanceof ExecutionError ? (error.cause as Error | undefined) : (error as Error);
          this.finish(execution, "FAILED", {
            error: cause?.name ?? "States.Runtime",
            cause: cause?.message ?? "",
          });
        }
      },
    );
    return execution;
  }

  private async recordHistory(execution: Execution, events: AsyncGenerator<Record<string, unknown>>) {
    try {
      for await (const event of events) {
        if (execution.history.length >= MAX_HISTORY_EVENTS) continue;
        const { type, timestamp, ...details } = event;
        if (type === "ExecutionStarted") continue;
        execution.history.push({
          type: String(type),
          timestamp: new Date(Number(timestamp ?? Date.now())),
          details: { localDetails: JSON.parse(JSON.stringify(details)) },
        });
      }
    } catch {
      // The history is informational; a failure to record it must not affect the execution.
    }
  }

  private finish(
    execution: Execution,
    status: ExecutionStatus,
    result: { output?: string; error?: string | undefined; cause?: string | undefined },
  ): void {
    execution.status = status;
    execution.stopDate = new Date();
    execution.output = result.output;
    execution.error = result.error;
    execution.cause = result.cause;
    // Tokens of tasks still waiting (stopped or timed-out execution) are closed: late answers get TaskTimedOut.
    for (const token of execution.holder.issued) this.backends.tokens.cancel(token);
    execution.holder.issued.clear();
    this.closedOrder.push(execution.arn);
    while (this.closedOrder.length > MAX_CLOSED_EXECUTIONS) {
      const oldest = this.closedOrder.shift();
      if (oldest !== undefined) this.executions.delete(oldest);
    }
  }

  private describe(execution: Execution) {
    return {
      executionArn: execution.arn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: epoch(execution.startDate),
      stopDate: execution.stopDate ? epoch(execution.stopDate) : undefined,
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output,
      outputDetails: execution.output === undefined ? undefined : { included: true },
      error: execution.error,
      cause: execution.cause,
    };
  }

  private list(body: Body) {
    const smArn = requireString(body, "stateMachineArn");
    this.machine(smArn);
    const max = Math.min(Number(body.maxResults ?? 100) || 100, MAX_LIST_RESULTS);
    const offset = body.nextToken ? Number(Buffer.from(String(body.nextToken), "base64url").toString()) : 0;
    const matching = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === smArn && (!body.statusFilter || e.status === body.statusFilter))
      .reverse();
    const page = matching.slice(offset, offset + max);
    const next =
      offset + max < matching.length ? Buffer.from(String(offset + max)).toString("base64url") : undefined;
    return {
      executions: page.map((e) => ({
        executionArn: e.arn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: epoch(e.startDate),
        stopDate: e.stopDate ? epoch(e.stopDate) : undefined,
      })),
      nextToken: next,
    };
  }

  private machine(arn: string): RegisteredStateMachine {
    const sm = this.machines.get(arn);
    if (!sm) throw new SfnApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  private execution(arn: string): Execution {
    const execution = this.executions.get(arn);
    if (!execution) throw new SfnApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}

/** Collects Task states (also inside Parallel branches and Map iterators) and gives each a finite timeout. */
function patchDefinition(definition: Definition, tasks: Map<string, TaskState>, depth = 0): Definition {
  if (depth > 16) throw new SfnApiError("InvalidDefinition", "state machine nested too deeply");
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    if (state.Type === "Task") {
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
        state.TimeoutSeconds = NO_TIMEOUT_SECONDS;
      }
      tasks.set(name, state as unknown as TaskState);
    }
    for (const branch of (state.Branches as Definition[] | undefined) ?? [])
      patchDefinition(branch, tasks, depth + 1);
    const iterator = (state.ItemProcessor ?? state.Iterator) as Definition | undefined;
    if (iterator) patchDefinition(iterator, tasks, depth + 1);
  }
  return definition;
}

function requireString(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== "string") throw new SfnApiError("ValidationException", `${field} is required`);
  return value;
}

/** awsJson timestamps are epoch seconds. */
function epoch(date: Date): number {
  return date.getTime() / 1000;
}
