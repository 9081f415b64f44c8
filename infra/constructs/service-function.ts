import path from "node:path";
import { type Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { acknowledgeLambdaBasicExecution } from "../nag-acknowledgements";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface ServiceFunctionProps {
  /** Handler file relative to the repo root, e.g. `functions/api/handler.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly logRetention: RetentionDays;
}

/**
 * One Lambda with the project's defaults: Node 22 on arm64, an ESM bundle (index.mjs) with every dependency
 * inlined so the deployed code pins the SDK version we test with, an explicit log group with retention.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, "Fn", {
      entry: path.join(ROOT, props.entry),
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: "green-exchange",
        LOG_LEVEL: "INFO",
        ...props.environment,
      },
      projectRoot: ROOT,
      depsLockFilePath: path.join(ROOT, "package-lock.json"),
      bundling: {
        format: OutputFormat.ESM,
        target: "node22",
        sourceMap: true,
        minify: false,
        externalModules: [],
        mainFields: ["module", "main"],
        // Some dependencies still call require(); give ESM bundles a real one.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason: "DESIGN.md fixes the runtime at nodejs22.x: the version the local cloud and CI test against.",
    });
    acknowledgeLambdaBasicExecution(this);
  }
}
