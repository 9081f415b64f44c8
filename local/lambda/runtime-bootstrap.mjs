// Runs inside one warm Lambda child process: loads the bundled handler once, then serves invocations sent by
// the parent over the IPC channel. Many invocations may be in flight at once (they are async I/O bound).
import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";

const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerSpec = process.env._HANDLER ?? "index.handler";
const dot = handlerSpec.lastIndexOf(".");
const moduleName = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);

function send(message) {
  if (process.connected) process.send(message);
}

function toError(error) {
  const err =
    error instanceof Error ? error : new Error(typeof error === "string" ? error : JSON.stringify(error));
  return {
    errorType: err.name || "Error",
    errorMessage: err.message ?? "",
    trace: String(err.stack ?? "").split("\n"),
  };
}

async function loadHandler() {
  for (const ext of [".mjs", ".js", ".cjs"]) {
    const file = path.join(taskRoot, `${moduleName}${ext}`);
    try {
      const mod = await import(pathToFileURL(file).href);
      const fn = mod[exportName] ?? mod.default?.[exportName];
      if (typeof fn !== "function") throw new Error(`${handlerSpec} is not a function in ${file}`);
      return fn;
    } catch (error) {
      if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(file)) continue;
      throw error;
    }
  }
  throw new Error(`Cannot find module ${moduleName} in ${taskRoot}`);
}

const handlerPromise = loadHandler();
handlerPromise.then(
  () => send({ type: "ready" }),
  (error) => send({ type: "init-error", ...toError(error) }),
);

function makeContext(msg) {
  const deadline = msg.deadlineMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: "$LATEST",
    invokedFunctionArn: msg.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: msg.requestId ?? randomUUID(),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

async function invoke(msg) {
  try {
    const handler = await handlerPromise;
    const context = makeContext(msg);
    // Callback-style handlers (three parameters) still exist in older code; await either style.
    const result =
      handler.length >= 3
        ? await new Promise((resolve, reject) => {
            const maybe = handler(msg.event, context, (err, value) => (err ? reject(err) : resolve(value)));
            if (maybe && typeof maybe.then === "function") maybe.then(resolve, reject);
          })
        : await handler(msg.event, context);
    send({ type: "result", id: msg.id, ok: true, result: result === undefined ? null : result });
  } catch (error) {
    send({ type: "result", id: msg.id, ok: false, ...toError(error) });
  }
}

process.on("message", (msg) => {
  if (msg && msg.type === "invoke") void invoke(msg);
});
// Like the Lambda runtime: an error nobody awaited kills the sandbox; the parent fails what was in flight.
process.on("uncaughtException", (error) => {
  console.error("uncaught exception in lambda runtime", error);
  process.exit(129);
});
process.on("disconnect", () => process.exit(0));
