import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";

// Official SDK clients pointed at a local cloud's edge port, the way any app would configure them.

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

export function clients(endpoint: string) {
  return {
    sfn: new SFNClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 }),
    sqs: new SQSClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 }),
    dynamodb: new DynamoDBClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 }),
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
