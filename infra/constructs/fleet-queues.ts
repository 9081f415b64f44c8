import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface FleetQueuesProps {
  readonly fleetIds: readonly string[];
  /** A worker extends visibility while it runs; this only bounds how long a dead worker hides a message. */
  readonly visibilityTimeout: Duration;
  /** Receives before a message that keeps failing moves to the fleet's DLQ. */
  readonly maxReceiveCount: number;
}

export interface FleetQueue {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/** One work queue per fleet, each with its own DLQ, so one fleet's poison messages never block another. */
export class FleetQueues extends Construct {
  readonly byFleet: ReadonlyMap<string, FleetQueue>;

  constructor(scope: Construct, id: string, props: FleetQueuesProps) {
    super(scope, id);
    const byFleet = new Map<string, FleetQueue>();
    for (const fleetId of props.fleetIds) {
      const deadLetterQueue = new Queue(this, `${fleetId}-dlq`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const queue = new Queue(this, fleetId, {
        visibilityTimeout: props.visibilityTimeout,
        retentionPeriod: Duration.days(1),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.DESTROY,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      });
      byFleet.set(fleetId, { queue, deadLetterQueue });
    }
    this.byFleet = byFleet;
  }
}
