import { request } from "node:http";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clients, sleep, uniqueName } from "./aws-clients";

let sqs: SQSClient;
let dynamodb: DynamoDBClient;

beforeAll(() => {
  ({ sqs, dynamodb } = clients(inject("outputs").awsEndpoint));
});

async function queueWithDlq(maxReceiveCount: number, visibilityTimeout: number) {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("dlq") }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: uniqueName("work"),
      Attributes: {
        VisibilityTimeout: String(visibilityTimeout),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl as string, dlqUrl: dlq.QueueUrl as string };
}

describe("SQS", () => {
  it("ChangeMessageVisibility keeps a received message hidden past its original timeout", async () => {
    const { queueUrl } = await queueWithDlq(3, 1);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "work" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    const receipt = first.Messages?.[0]?.ReceiptHandle;
    expect(receipt).toBeDefined();
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receipt,
        VisibilityTimeout: 4,
      }),
    );
    await sleep(2000);
    const during = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(during.Messages ?? []).toHaveLength(0);
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    expect(after.Messages?.[0]?.Body).toBe("work");
  });

  it("a message received maxReceiveCount times without a delete moves to the DLQ", async () => {
    const { queueUrl, dlqUrl } = await queueWithDlq(2, 1);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "poison" }));
    for (let i = 0; i < 2; i++) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
      expect(received.Messages?.[0]?.Body).toBe("poison");
      // Extending visibility is not a receive: it must not bring the move to the DLQ forward.
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: received.Messages?.[0]?.ReceiptHandle,
          VisibilityTimeout: 1,
        }),
      );
    }
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 5 }));
    expect(dead.Messages?.[0]?.Body).toBe("poison");
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(left.Messages ?? []).toHaveLength(0);
  });

  it("a long poll for up to 10 messages returns as soon as one arrives", async () => {
    const { queueUrl } = await queueWithDlq(3, 30);
    const started = Date.now();
    const polling = sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 10 }),
    );
    await sleep(300);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "soon" }));
    const { Messages } = await polling;
    expect(Messages?.[0]?.Body).toBe("soon");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("DynamoDB", () => {
  it("TransactWriteItems with a failed condition is cancelled with CancellationReasons", async () => {
    const TableName = uniqueName("ledger");
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
        ],
      }),
    );
    await dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: "A" }, sk: { S: "BALANCE" }, n: { N: "5" } } }),
    );
    const error = await dynamodb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: { pk: { S: "B" }, sk: { S: "BALANCE" }, n: { N: "1" } } } },
            {
              Update: {
                TableName,
                Key: { pk: { S: "A" }, sk: { S: "BALANCE" } },
                UpdateExpression: "SET n = n - :x",
                ConditionExpression: "n >= :x",
                ExpressionAttributeValues: { ":x": { N: "10" } },
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code);
    expect(reasons).toEqual(["None", "ConditionalCheckFailed"]);
  });

  it("a failed conditional put is a ConditionalCheckFailedException", async () => {
    const TableName = uniqueName("cond");
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      }),
    );
    const put = () =>
      dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: "x" } },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    await put();
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});

describe("a consumer that hangs up during a long poll", () => {
  it("does not keep the message it would have been handed: it goes straight back to the queue", async () => {
    const { queueUrl } = await queueWithDlq(5, 60);
    // A raw long poll, then the client vanishes (a worker killed mid-poll).
    const endpoint = new URL(inject("outputs").awsEndpoint);
    const poll = request({
      host: endpoint.hostname,
      port: endpoint.port,
      method: "POST",
      path: "/",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ReceiveMessage" },
    });
    poll.on("error", () => {});
    poll.end(JSON.stringify({ QueueUrl: queueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 1 }));
    await sleep(300);
    poll.destroy();
    await sleep(100);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "for a live consumer" }));
    // With a 60 s visibility timeout, only a message put back at once can be received within these 5 s.
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    expect(out.Messages?.[0]?.Body).toBe("for a live consumer");
  });
});
