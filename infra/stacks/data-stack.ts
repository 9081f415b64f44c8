import { CfnOutput, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { AttributeType, BillingMode, type CfnTable, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";

/** Logical id pinned by a test: changing it would replace the table and lose the ledger. */
export const TABLE_LOGICAL_ID = "LedgerTable";

/** The stateful stack, apart from the rest so the platform can be torn down and redeployed freely. */
export class DataStack extends Stack {
  readonly table: Table;
  /** Export names the platform stack imports (explicit, so the platform never pins the table by a CDK token). */
  readonly exports: { readonly tableName: string; readonly tableArn: string };

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new Table(this, "Table", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: "ttl",
      deletionProtection: true,
      // Money lives here: never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: "gsi1",
      partitionKey: { name: "gsi1pk", type: AttributeType.STRING },
      sortKey: { name: "gsi1sk", type: AttributeType.STRING },
    });
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(TABLE_LOGICAL_ID);
    this.exports = { tableName: `${this.stackName}-TableName`, tableArn: `${this.stackName}-TableArn` };
    new CfnOutput(this, "TableNameExport", {
      value: this.table.tableName,
      exportName: this.exports.tableName,
    });
    new CfnOutput(this, "TableArnExport", { value: this.table.tableArn, exportName: this.exports.tableArn });
  }
}
