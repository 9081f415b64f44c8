import { ArnFormat, CfnOutput, CfnParameter, Duration, Fn, Stack, type StackProps } from "aws-cdk-lib";
import { type ITable, Table } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { FLEETS } from "../../layers/core/src/catalog/fleets";
import { FleetQueues } from "../constructs/fleet-queues";
import { PublicHttpApi } from "../constructs/http-api";
import { OrderPipeline } from "../constructs/order-pipeline";
import { ServiceFunction } from "../constructs/service-function";
import { acknowledgeAllowedWildcards } from "../nag-acknowledgements";

export interface PlatformStackProps extends StackProps {
  /** Export names of the data stack's table (DataStack.exports). */
  readonly tableExports: { readonly tableName: string; readonly tableArn: string };
  readonly holdTtlSeconds: number;
  readonly syncWaitMs: number;
  readonly dispatchHeartbeatSeconds: number;
  readonly logRetentionDays: number;
}

/** Everything stateless: API, authorizer, the order pipeline, the fleet queues and the sweeper. */
export class PlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const table: ITable = Table.fromTableAttributes(this, "LedgerTable", {
      tableArn: Fn.importValue(props.tableExports.tableArn),
      globalIndexes: ["gsi1"],
    });
    const logRetention = toRetention(props.logRetentionDays);
    const adminKeySha256 = new CfnParameter(this, "AdminKeySha256", {
      type: "String",
      noEcho: true,
      allowedPattern: "^[0-9a-f]{64}$",
      description: "Hex SHA-256 of the operator (admin) API key; the key itself is never deployed.",
    });

    const fleetQueues = new FleetQueues(this, "FleetQueues", {
      fleetIds: FLEETS.map((f) => f.id),
      // The dispatch step allows 300 s; the worker extends visibility while it runs, so this is only how long
      // a message stays hidden after its worker died.
      visibilityTimeout: Duration.seconds(60),
      maxReceiveCount: 3,
    });
    const queues = new Map([...fleetQueues.byFleet].map(([fleetId, q]) => [fleetId, q.queue]));
    const pipeline = new OrderPipeline(this, "OrderPipeline", {
      table: table,
      fleetQueues: queues,
      holdTtlSeconds: props.holdTtlSeconds,
      dispatchHeartbeatSeconds: props.dispatchHeartbeatSeconds,
      logRetention,
    });

    const api = new ServiceFunction(this, "Api", {
      entry: "functions/api/handler.ts",
      description: "OpenAI-compatible HTTP API (middy router)",
      environment: {
        TABLE_NAME: table.tableName,
        STATE_MACHINE_ARN: pipeline.stateMachine.stateMachineArn,
        SYNC_WAIT_MS: String(props.syncWaitMs),
      },
      // API Gateway HTTP APIs cut integrations at 30 s: stay under it.
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logRetention,
    }).fn;
    table.grantReadWriteData(api);
    pipeline.stateMachine.grantStartExecution(api);
    pipeline.stateMachine.grantRead(api);
    api.addToRolePolicy(
      new PolicyStatement({
        actions: ["states:DescribeExecution", "states:StopExecution"],
        resources: [
          this.formatArn({
            service: "states",
            resource: "execution",
            resourceName: `${pipeline.stateMachine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    const authorizer = new ServiceFunction(this, "Authorizer", {
      entry: "functions/authorizer/handler.ts",
      description: "Bearer API key → account and role",
      environment: { TABLE_NAME: table.tableName, ADMIN_KEY_SHA256: adminKeySha256.valueAsString },
      timeout: Duration.seconds(5),
      logRetention,
    }).fn;
    table.grantReadData(authorizer);

    const sweeper = new ServiceFunction(this, "Sweeper", {
      entry: "functions/sweeper/sweep.ts",
      description: "Voids expired holds and frees leaked capacity",
      environment: { TABLE_NAME: table.tableName, HOLD_TTL_SECONDS: String(props.holdTtlSeconds) },
      timeout: Duration.seconds(60),
      logRetention,
    }).fn;
    table.grantReadWriteData(sweeper);
    new Rule(this, "SweepSchedule", {
      description: "Run the sweeper every minute",
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(sweeper, { retryAttempts: 2 })],
    });

    new PublicHttpApi(this, "PublicApi", { api, authorizer, logRetention });
    const fleetQueueUrls: Record<string, { queueUrl: string; dlqUrl: string }> = {};
    for (const [fleetId, q] of fleetQueues.byFleet) {
      fleetQueueUrls[fleetId] = { queueUrl: q.queue.queueUrl, dlqUrl: q.deadLetterQueue.queueUrl };
    }
    new CfnOutput(this, "FleetQueuesOutput", {
      key: "FleetQueues",
      value: this.toJsonString(fleetQueueUrls),
    });
    new CfnOutput(this, "StateMachineArnOutput", {
      key: "StateMachineArn",
      value: pipeline.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, "TableNameOutput", { key: "TableName", value: table.tableName });
    acknowledgeAllowedWildcards(this);
  }
}

const RETENTION_BY_DAYS: Readonly<Record<number, RetentionDays>> = {
  7: RetentionDays.ONE_WEEK,
  30: RetentionDays.ONE_MONTH,
  90: RetentionDays.THREE_MONTHS,
  365: RetentionDays.ONE_YEAR,
};

function toRetention(days: number): RetentionDays {
  const retention = RETENTION_BY_DAYS[days];
  if (retention === undefined)
    throw new Error(`logRetentionDays must be one of ${Object.keys(RETENTION_BY_DAYS)}`);
  return retention;
}
