import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";

// SDK clients for the worker. Endpoints come only from the standard variables (or, for the
// local cloud, from .local/outputs.json via the CLI), never hard-coded.

export interface AwsClientConfig {
  region: string;
  sqsEndpoint?: string;
  sfnEndpoint?: string;
}

// A long poll holds the request for WaitTimeSeconds (20 s): the socket timeout must exceed it.
const SQS_REQUEST_TIMEOUT_MS = 35_000;
const SFN_REQUEST_TIMEOUT_MS = 10_000;
const CONNECTION_TIMEOUT_MS = 5_000;
// SDK-level retries on throttling / 5xx / network errors; the agent adds its own bounded backoff on top.
const SDK_MAX_ATTEMPTS = 3;

export function awsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const shared = nonEmpty(env.AWS_ENDPOINT_URL);
  return {
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? "us-east-1",
    sqsEndpoint: nonEmpty(env.AWS_ENDPOINT_URL_SQS) ?? shared,
    sfnEndpoint: nonEmpty(env.AWS_ENDPOINT_URL_SFN) ?? shared,
  };
}

export function createSqsClient(config: AwsClientConfig): SQSClient {
  return new SQSClient({
    region: config.region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    // Without this the SDK sends each call to the queue URL's host, which for an emulator or a
    // proxied setup is not the endpoint we were told to use.
    useQueueUrlAsEndpoint: false,
    ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
    credentials: localCredentials(config.sqsEndpoint),
    requestHandler: { requestTimeout: SQS_REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
}

export function createSfnClient(config: AwsClientConfig): SFNClient {
  return new SFNClient({
    region: config.region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    ...(config.sfnEndpoint ? { endpoint: config.sfnEndpoint } : {}),
    credentials: localCredentials(config.sfnEndpoint),
    requestHandler: { requestTimeout: SFN_REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
}

// Emulators on loopback accept any credentials; LocalStack users expect "test"/"test" to be
// assumed there. Anywhere else the SDK's default provider chain applies (undefined).
function localCredentials(endpoint: string | undefined) {
  if (!endpoint || process.env.AWS_ACCESS_KEY_ID) return undefined;
  const host = safeHost(endpoint);
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") return undefined;
  return { accessKeyId: "test", secretAccessKey: "test" };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
