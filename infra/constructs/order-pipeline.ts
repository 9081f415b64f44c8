import { readFileSync } from "node:fs";
import path from "node:path";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { ServiceFunction } from "./service-function";

const ASL_PATH = path.resolve(import.meta.dirname, "..", "..", "statemachines", "order.asl.json");

export interface OrderPipelineProps {
  readonly table: ITable;
  readonly fleetQueues: ReadonlyMap<string, IQueue>;
  readonly holdTtlSeconds: number;
  readonly dispatchHeartbeatSeconds: number;
  readonly logRetention: RetentionDays;
}

/**
 * The order saga: four step functions and the Standard state machine that runs them. The ASL lives in
 * statemachines/order.asl.json and is inlined (fromString, not fromFile: emulators mishandle the S3 location),
 * so its IAM is granted explicitly here.
 */
export class OrderPipeline extends Construct {
  readonly stateMachine: StateMachine;
  readonly steps: Readonly<Record<"reserve" | "place" | "settle" | "release", IFunction>>;

  constructor(scope: Construct, id: string, props: OrderPipelineProps) {
    super(scope, id);
    const common = { TABLE_NAME: props.table.tableName, HOLD_TTL_SECONDS: String(props.holdTtlSeconds) };
    const queueUrls: Record<string, string> = {};
    for (const [fleetId, queue] of props.fleetQueues) queueUrls[fleetId] = queue.queueUrl;

    const step = (name: string, entry: string, description: string, env: Record<string, string> = {}) =>
      new ServiceFunction(this, name, {
        entry,
        description,
        environment: { ...common, ...env },
        timeout: Duration.seconds(10),
        logRetention: props.logRetention,
      }).fn;

    const reserve = step(
      "ReserveFunds",
      "functions/orders/reserve-funds.ts",
      "Hold the worst-case cost of an order",
    );
    const place = step("PlaceOrder", "functions/orders/place-order.ts", "Pick a fleet and admit capacity", {
      FLEET_QUEUE_URLS: Stack.of(this).toJsonString(queueUrls),
      DISPATCH_HEARTBEAT_SECONDS: String(props.dispatchHeartbeatSeconds),
    });
    const settle = step(
      "SettleOrder",
      "functions/orders/settle-order.ts",
      "Post the real charge and split it",
    );
    const release = step(
      "ReleaseFunds",
      "functions/orders/release-funds.ts",
      "Void the hold of a failed order",
    );
    for (const fn of [reserve, place, settle, release]) props.table.grantReadWriteData(fn);

    const logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, "OrderStateMachine", {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(readFileSync(ASL_PATH, "utf8")),
      definitionSubstitutions: {
        ReserveFundsFunctionArn: reserve.functionArn,
        PlaceOrderFunctionArn: place.functionArn,
        SettleOrderFunctionArn: settle.functionArn,
        ReleaseFundsFunctionArn: release.functionArn,
      },
      tracingEnabled: true,
      // ALL events without execution data: state transitions are auditable, prompts never reach the logs.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    for (const fn of [reserve, place, settle, release]) fn.grantInvoke(this.stateMachine);
    const queueArns = [...props.fleetQueues.values()].map((q) => q.queueArn);
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: queueArns }),
    );
    for (const queue of props.fleetQueues.values()) {
      // SSE-SQS needs no KMS grant; an SSE-KMS queue would also need kms:GenerateDataKey here.
      queue.grantSendMessages(this.stateMachine);
    }
    this.steps = { reserve, place, settle, release };
  }
}
