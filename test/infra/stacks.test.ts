import { readFileSync } from "node:fs";
import path from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { DataStack, TABLE_LOGICAL_ID } from "../../infra/stacks/data-stack";
import { PlatformStack } from "../../infra/stacks/platform-stack";
import { FLEETS } from "../../layers/core/src/catalog/fleets";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

describe("the CDK app", () => {
  let data: DataStack;
  let platform: PlatformStack;
  let dataTemplate: Template;
  let platformTemplate: Template;
  let nagFailure: unknown;

  beforeAll(() => {
    // Skip esbuild bundling: these tests assert the template, not the bundles (`npm start` bundles for real).
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    data = new DataStack(app, "Data");
    platform = new PlatformStack(app, "Platform", {
      tableExports: data.exports,
      holdTtlSeconds: 900,
      syncWaitMs: 25_000,
      dispatchHeartbeatSeconds: 10,
      logRetentionDays: 30,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch (err) {
      nagFailure = err;
    }
    dataTemplate = Template.fromStack(data);
    platformTemplate = Template.fromStack(platform);
  });

  it("keeps the ledger table's logical id pinned and retains it on delete", () => {
    const tables = dataTemplate.findResources("AWS::DynamoDB::Table");
    expect(Object.keys(tables)).toEqual([TABLE_LOGICAL_ID]);
    expect(tables[TABLE_LOGICAL_ID]?.DeletionPolicy).toBe("Retain");
    dataTemplate.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: "gsi1" })],
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it("gives every fleet its own queue with a dead-letter queue after three receives", () => {
    const queues = platformTemplate.findResources("AWS::SQS::Queue");
    const withRedrive = Object.values(queues).filter((q) => q.Properties?.RedrivePolicy);
    expect(withRedrive).toHaveLength(FLEETS.length);
    for (const q of withRedrive) expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(3);
    expect(Object.keys(queues)).toHaveLength(FLEETS.length * 2);
  });

  it("runs every function on nodejs22.x arm64", () => {
    const fns = Object.values(platformTemplate.findResources("AWS::Lambda::Function"));
    expect(fns.length).toBeGreaterThanOrEqual(7);
    for (const fn of fns) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
    }
  });

  it("inlines the order state machine with a substitution for each step function", () => {
    platformTemplate.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      DefinitionSubstitutions: {
        ReserveFundsFunctionArn: Match.anyValue(),
        PlaceOrderFunctionArn: Match.anyValue(),
        SettleOrderFunctionArn: Match.anyValue(),
        ReleaseFundsFunctionArn: Match.anyValue(),
      },
      DefinitionS3Location: Match.absent(),
    });
  });

  it("routes public paths without the authorizer and every other path through it", () => {
    const routes = Object.values(platformTemplate.findResources("AWS::ApiGatewayV2::Route"));
    const byKey = new Map(
      routes.map((r) => [r.Properties.RouteKey as string, r.Properties.AuthorizationType]),
    );
    for (const key of ["GET /v1/health", "GET /openapi.json", "GET /v1/fleets"])
      expect(byKey.get(key)).toBe("NONE");
    for (const key of [
      "POST /v1/chat/completions",
      "POST /v1/accounts",
      "GET /v1/balance",
      "ANY /{proxy+}",
    ]) {
      expect(byKey.get(key)).toBe("CUSTOM");
    }
  });

  it("passes cdk-nag's AWS Solutions checks with no unsuppressed error", () => {
    // The validation plugin fails the synth on any unacknowledged error-level finding.
    expect(nagFailure === undefined ? "" : String(nagFailure)).toBe("");
  });
});

describe("the order state machine definition", () => {
  const asl = JSON.parse(readFileSync(path.join(ROOT, "statemachines", "order.asl.json"), "utf8")) as {
    States: Record<
      string,
      {
        Type: string;
        TimeoutSeconds?: number;
        Retry?: { MaxAttempts: number; JitterStrategy?: string; BackoffRate?: number }[];
        Catch?: { ErrorEquals: string[] }[];
      }
    >;
  };
  const tasks = Object.entries(asl.States).filter(([, s]) => s.Type === "Task");

  it("bounds every task with a timeout", () => {
    for (const [name, s] of tasks) expect(s.TimeoutSeconds, name).toBeGreaterThan(0);
  });

  it("retries with full jitter, backoff 2 and at most three attempts", () => {
    for (const [, s] of tasks) {
      for (const r of s.Retry ?? []) {
        expect(r.MaxAttempts).toBeLessThanOrEqual(3);
        expect(r.JitterStrategy).toBe("FULL");
        expect(r.BackoffRate).toBe(2);
      }
    }
  });

  it("catches domain errors by name before any catch-all", () => {
    const reserve = asl.States.ReserveFunds?.Catch ?? [];
    expect(reserve[0]?.ErrorEquals).toContain("InsufficientFundsError");
    expect(asl.States.PlaceOrder?.Catch?.[0]?.ErrorEquals).toContain("NoCapacityError");
    expect(asl.States.DispatchToFleet?.Catch?.[0]?.ErrorEquals).toContain("States.HeartbeatTimeout");
  });
});
