// SDK clients, created once per process (module scope) and reused across invocations. Retries and timeouts are
// explicit; endpoints come only from the standard AWS_ENDPOINT_URL[_<SERVICE>] variables, which the SDK reads itself.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";

const region = process.env.AWS_REGION ?? "us-east-1";

/** SDK attempts per call (1 + 2 retries with the SDK's jittered backoff); Lambda time is the budget. */
const MAX_ATTEMPTS = 3;
const requestHandler = { connectionTimeout: 2_000, requestTimeout: 5_000 };

export const dynamodb = new DynamoDBClient({ region, maxAttempts: MAX_ATTEMPTS, requestHandler });

export const sfn = new SFNClient({ region, maxAttempts: MAX_ATTEMPTS, requestHandler });

// useQueueUrlAsEndpoint: false so requests go to the configured endpoint, not to the queue URL's host.
export const sqs = new SQSClient({
  region,
  maxAttempts: MAX_ATTEMPTS,
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 25_000 },
  useQueueUrlAsEndpoint: false,
});
