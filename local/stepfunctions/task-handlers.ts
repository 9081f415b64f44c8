import { LambdaInvocationError } from "../lambda/lambda-error";
import { StateError } from "./sfn-errors";
import type { TaskTokens } from "./task-tokens";

// What a Task state does locally, given its Resource. aws-local-stepfunctions calls a local handler per Task
// state name with the evaluated Parameters; these handlers supply the service integrations it lacks.

export interface TaskBackends {
  invokeLambda(nameOrArn: string, payload: unknown): Promise<unknown>;
  sendMessage(params: Record<string, unknown>): Promise<{ MessageId?: string; MD5OfMessageBody?: string }>;
  tokens: TaskTokens;
}

export interface TaskState {
  Type: "Task";
  Resource: string;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  TimeoutSecondsPath?: string;
}

/** Per-execution token source: `$$.Task.Token` reads `current`, each dispatch claims it. */
export interface TokenHolder {
  current: string | undefined;
  issued: Set<string>;
}

export type TaskHandler = (input: unknown) => Promise<unknown>;

export function makeTaskHandler(state: TaskState, backends: TaskBackends, holder: TokenHolder): TaskHandler {
  const resource = state.Resource;
  const limits = { timeoutSeconds: state.TimeoutSeconds, heartbeatSeconds: state.HeartbeatSeconds };
  if (resource.startsWith("arn:aws:lambda:")) {
    return (input) => invoke(backends, resource, input);
  }
  switch (resource) {
    case "arn:aws:states:::lambda:invoke":
      return async (input) => {
        const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: string; Payload?: unknown };
        const result = await invoke(backends, String(FunctionName), Payload ?? {});
        return { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
      };
    case "arn:aws:states:::lambda:invoke.waitForTaskToken":
      return async (input) => {
        const token = claimToken(holder, backends.tokens);
        const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: string; Payload?: unknown };
        const waiting = backends.tokens.wait(token, limits);
        invoke(backends, String(FunctionName), Payload ?? {}).catch((error: Error) => {
          try {
            backends.tokens.failTask(token, error.name, error.message);
          } catch {
            // The token was already answered or timed out: nothing left to fail.
          }
        });
        return waiting;
      };
    case "arn:aws:states:::sqs:sendMessage":
      return async (input) => backends.sendMessage(sqsParams(input));
    case "arn:aws:states:::sqs:sendMessage.waitForTaskToken":
      return async (input) => {
        const token = claimToken(holder, backends.tokens);
        const waiting = backends.tokens.wait(token, limits);
        try {
          await backends.sendMessage(sqsParams(input));
        } catch (error) {
          backends.tokens.cancel(token);
          throw new StateError("SQS.SdkClientException", (error as Error).message);
        }
        return waiting;
      };
    default:
      return async () => {
        throw new StateError("States.Runtime", `resource ${resource} is not supported by the local cloud`);
      };
  }
}

/** The token `$$.Task.Token` produced while this task's Parameters were evaluated (issued now if unused). */
function claimToken(holder: TokenHolder, tokens: TaskTokens): string {
  const token = holder.current ?? tokens.issue();
  holder.current = undefined;
  holder.issued.add(token);
  return token;
}

async function invoke(backends: TaskBackends, fn: string, payload: unknown): Promise<unknown> {
  try {
    return await backends.invokeLambda(fn, payload);
  } catch (error) {
    if (error instanceof LambdaInvocationError) {
      // Step Functions reports a function error as Error = errorType, Cause = the Lambda error payload.
      throw new StateError(
        error.errorType,
        JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace }),
      );
    }
    const name = (error as Error).name;
    throw new StateError(`Lambda.${name === "Error" ? "ServiceException" : name}`, (error as Error).message);
  }
}

function sqsParams(input: unknown): Record<string, unknown> {
  const params = { ...((input ?? {}) as Record<string, unknown>) };
  if (typeof params.MessageBody !== "string") params.MessageBody = JSON.stringify(params.MessageBody ?? null);
  return params;
}
