import { CfnResource, Validations } from "aws-cdk-lib";
import { rules } from "cdk-nag";
import type { IConstruct } from "constructs";

/**
 * The only wildcard resources the platform's IAM may hold, each with the reason it is needed. Anything else a
 * grant produces stays a cdk-nag error and fails the synth, so a new wildcard gets a human look.
 */
const ALLOWED_WILDCARDS: readonly { pattern: RegExp; reason: string }[] = [
  {
    pattern: /^Resource::\*$/,
    reason: "X-Ray segments and Step Functions log delivery have no resource-level permissions.",
  },
  { pattern: /\/index\/\*$/, reason: "The single table's GSIs, granted by table.grant*Data." },
  { pattern: /\.Arn>:\*$/, reason: "grantInvoke covers the function's qualified versions (<arn>:*)." },
  {
    pattern: /:execution:.*:\*$/,
    reason: "Executions are named per order: DescribeExecution on <state machine>:* only.",
  },
];

/** Acknowledges AwsSolutions-IAM5 findings under `scope` that match ALLOWED_WILDCARDS; call after all grants. */
export function acknowledgeAllowedWildcards(scope: IConstruct): void {
  for (const node of scope.node.findAll()) {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== "AWS::IAM::Policy") continue;
    const findings = rules.iam.IAMNoWildcardPermissions(node);
    if (!Array.isArray(findings)) continue;
    for (const finding of findings) {
      const allowed = ALLOWED_WILDCARDS.find((w) => w.pattern.test(finding));
      if (allowed)
        Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: allowed.reason });
    }
  }
}

/** AWSLambdaBasicExecutionRole is the one managed policy we accept: it only writes the function's own logs. */
export function acknowledgeLambdaBasicExecution(scope: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    reason: "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.",
  });
}
