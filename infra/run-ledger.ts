import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { partitionOf } from '../shared/ledger/run-ledger.js';
import { LEDGER_TABLE } from '../shared/ledger/table.js';

export interface RunLedgerTableProps {
  /**
   * What happens to the table, and so the run history, when the stack is deleted. Default RETAIN:
   * the history outlives a mistaken `cdk destroy`.
   */
  removalPolicy?: RemovalPolicy;
}

/**
 * The run ledger, one table per stack (see shared/ledger): on-demand, point-in-time recovery,
 * encrypted with a KMS key, old slots expired by TTL, and the sparse index of slots waiting for a
 * retry. Each function may touch only its own rule's items.
 */
export class RunLedgerTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: RunLedgerTableProps = {}) {
    super(scope, id);
    const { partitionKey, sortKey, timeToLiveAttribute, retryIndex } = LEDGER_TABLE;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: retryIndex.name,
      partitionKey: { name: retryIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: retryIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }

  /**
   * What a cron function needs, and no more: read, claim and update the slots of the rules it
   * serves (one, or a cluster's), and query their history and due retries (dynamodb:LeadingKeys
   * pins the partition to theirs; the retry index uses the same partition value). No delete, no
   * scan, no other rule's items.
   */
  grantRuleAccess(grantee: IGrantable, rules: string | readonly string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'RunLedgerOwnRule',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        resources: [this.table.tableArn, `${this.table.tableArn}/index/${LEDGER_TABLE.retryIndex.name}`],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': (typeof rules === 'string' ? [rules] : rules).map(partitionOf) } },
      }),
    );
  }
}
