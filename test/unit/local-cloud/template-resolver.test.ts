// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not JS templates
import { describe, expect, it } from "vitest";
import { generatedName, orderByDependencies } from "../../../local/deploy/deployer";
import {
  collectDependencies,
  evaluateConditions,
  type ResolveContext,
  resolveValue,
  TemplateResolveError,
} from "../../../local/deploy/template-resolver";

const ctx: ResolveContext = {
  stackName: "Stack",
  region: "us-east-1",
  accountId: "000000000000",
  parameters: { AdminKeySha256: "ab".repeat(32) },
  conditions: { IsLocal: true },
  exports: { "Data:TableName": "Data-Table-XYZ" },
  ref: (id) => {
    if (id === "Queue") return "http://127.0.0.1:4566/000000000000/Stack-Queue-ABC";
    throw new TemplateResolveError(`unknown ${id}`);
  },
  getAtt: (id, attribute) => `${id}.${attribute}`,
};

describe("resolveValue", () => {
  it("resolves Ref to pseudo parameters, parameters and resources", () => {
    expect(resolveValue({ Ref: "AWS::Region" }, ctx)).toBe("us-east-1");
    expect(resolveValue({ Ref: "AWS::AccountId" }, ctx)).toBe("000000000000");
    expect(resolveValue({ Ref: "AWS::Partition" }, ctx)).toBe("aws");
    expect(resolveValue({ Ref: "AWS::URLSuffix" }, ctx)).toBe("amazonaws.com");
    expect(resolveValue({ Ref: "AWS::StackName" }, ctx)).toBe("Stack");
    expect(resolveValue({ Ref: "AdminKeySha256" }, ctx)).toBe("ab".repeat(32));
    expect(resolveValue({ Ref: "Queue" }, ctx)).toBe("http://127.0.0.1:4566/000000000000/Stack-Queue-ABC");
  });

  it("resolves Fn::GetAtt in both the list and the dotted form", () => {
    expect(resolveValue({ "Fn::GetAtt": ["Fn", "Arn"] }, ctx)).toBe("Fn.Arn");
    expect(resolveValue({ "Fn::GetAtt": "Fn.Arn" }, ctx)).toBe("Fn.Arn");
  });

  it("joins, selects and splits the way CDK emits them", () => {
    const joined = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":sqs:", { Ref: "AWS::Region" }]] };
    expect(resolveValue(joined, ctx)).toBe("arn:aws:sqs:us-east-1");
    const selected = { "Fn::Select": [1, { "Fn::Split": ["/", "a/b/c"] }] };
    expect(resolveValue(selected, ctx)).toBe("b");
  });

  it("substitutes Fn::Sub variables, attributes, pseudo parameters and keeps ${!literal}", () => {
    const sub = {
      "Fn::Sub": ["${AWS::StackName}-${Fn.Arn}-${Own}-${!Literal}", { Own: { Ref: "AWS::Region" } }],
    };
    expect(resolveValue(sub, ctx)).toBe("Stack-Fn.Arn-us-east-1-${Literal}");
    expect(resolveValue({ "Fn::Sub": "cdk-${AWS::AccountId}-${AWS::Region}" }, ctx)).toBe(
      "cdk-000000000000-us-east-1",
    );
  });

  it("reads Fn::ImportValue from the exports of stacks deployed before", () => {
    expect(resolveValue({ "Fn::ImportValue": "Data:TableName" }, ctx)).toBe("Data-Table-XYZ");
    expect(() => resolveValue({ "Fn::ImportValue": "Missing" }, ctx)).toThrow(TemplateResolveError);
  });

  it("evaluates Fn::If and drops properties that resolve to AWS::NoValue", () => {
    const value = {
      A: { "Fn::If": ["IsLocal", "local", "aws"] },
      B: { "Fn::If": ["IsLocal", { Ref: "AWS::NoValue" }, "x"] },
      C: [1, { Ref: "AWS::NoValue" }, 2],
    };
    expect(resolveValue(value, ctx)).toEqual({ A: "local", C: [1, 2] });
  });

  it("refuses an intrinsic it does not know instead of passing it through", () => {
    expect(() => resolveValue({ "Fn::Transform": {} }, ctx)).toThrow(TemplateResolveError);
  });
});

describe("evaluateConditions", () => {
  it("evaluates conditions that reference parameters and other conditions", () => {
    const conditions = {
      IsUsEast1: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] },
      Both: { "Fn::And": [{ Condition: "IsUsEast1" }, { "Fn::Not": [{ "Fn::Equals": ["a", "b"] }] }] },
      Either: { "Fn::Or": [{ "Fn::Equals": ["a", "b"] }, { Condition: "Both" }] },
    };
    expect(evaluateConditions(conditions, ctx)).toEqual({ IsUsEast1: true, Both: true, Either: true });
  });
});

describe("deployment order", () => {
  it("puts every Ref, GetAtt, Sub and DependsOn target before its dependant", () => {
    const order = orderByDependencies([
      [
        "Fn",
        {
          Type: "AWS::Lambda::Function",
          Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] } },
          DependsOn: "Policy",
        },
      ],
      ["Policy", { Type: "AWS::IAM::Policy", Properties: { Roles: [{ Ref: "Role" }] } }],
      ["Queue", { Type: "AWS::SQS::Queue", Properties: { X: { "Fn::Sub": "${Dlq.Arn}" } } }],
      ["Dlq", { Type: "AWS::SQS::Queue" }],
      ["Role", { Type: "AWS::IAM::Role" }],
    ]).map(([id]) => id);
    expect(order.indexOf("Role")).toBeLessThan(order.indexOf("Policy"));
    expect(order.indexOf("Policy")).toBeLessThan(order.indexOf("Fn"));
    expect(order.indexOf("Dlq")).toBeLessThan(order.indexOf("Queue"));
  });

  it("collects dependencies without pseudo parameters", () => {
    const deps = collectDependencies({
      a: { Ref: "AWS::Region" },
      b: { Ref: "Table" },
      c: { "Fn::Sub": "${AWS::Region}${Bucket}" },
    });
    expect([...deps].sort()).toEqual(["Bucket", "Table"]);
  });
});

describe("generatedName", () => {
  it("is CloudFormation-shaped, stable for a stack and logical id, and within the length limit", () => {
    const name = generatedName("GreenExchange-local-Platform", "FleetQueueshohhotascend910b4A094531", 80);
    expect(name).toBe(
      generatedName("GreenExchange-local-Platform", "FleetQueueshohhotascend910b4A094531", 80),
    );
    expect(name).toMatch(/^GreenExchange-local-Platform-FleetQueues[\w-]*-[0-9A-F]{12}$/);
    expect(generatedName("S".repeat(100), "L", 64).length).toBeLessThanOrEqual(64);
  });
});
