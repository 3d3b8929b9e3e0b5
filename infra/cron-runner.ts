import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CRON_RUNNER_BATCH, cronRunnerTimeouts } from '../shared/queues/timeouts.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../shared/report/vocabulary.js';
import type { CronRule } from '../shared/rules/cron/rule.js';
import { ruleTagValue } from '../shared/rules/rule-tag.js';
import { CRON_RULES_FILE, cronRulesLayer } from './cron-rules-layer.js';
import { grantEcsAccess } from './ecs-permissions.js';
import { placedByEcs } from '../shared/rules/cron/ecs-placed-copies.js';
import { grantPutResultEvents } from './results-permissions.js';
import { RuleQueues } from './rule-queues.js';
import type { RunLedgerTable } from './run-ledger.js';
import { SchedulerFunction } from './scheduler-function.js';

/** A rule a runner serves, with the family of its task definition (for StartTask permissions). */
export interface CronRunnerRule {
  rule: CronRule;
  family: string;
}

export interface CronClusterRunnerProps {
  /** The cron rules it serves, all of one cluster. */
  rules: readonly CronRunnerRule[];
  /** Where results are published. */
  eventBus: IEventBus;
  /** The stack's run ledger. */
  ledger: RunLedgerTable;
  /**
   * Invocations at once (the event source's maximum concurrency; Lambda's minimum is 2). Each is a
   * warm instance with its own instance scan: more of them start more slots at once when several
   * wait for capacity, and scan the cluster more often. Default 2.
   */
  maxConcurrency?: number;
  /** Default one month. */
  logRetention?: RetentionDays;
  /** Default off. */
  tracing?: boolean;
  /** Default 512 MiB. */
  memorySize?: number;
}

/**
 * What runs the cron rules of one cluster: an SQS FIFO queue that carries every rule's messages
 * (its slots, passes and run ends, each rule in a message group of its own name) and one Lambda
 * that drains it in batches of up to 10, several groups to a batch, at most `maxConcurrency` at
 * once. Slots that fire in the same minute then land in a few invocations, which share one scan
 * of the cluster's instances (see SharedScans), instead of each scanning it.
 *
 * Timeouts follow the rule with the longest starting deadline: the function must cover its
 * capacity retries, and a message comes back after the function's timeout + 30 s (a batch is in
 * flight no longer than its invocation runs). Permissions are the union of the rules': StartTask
 * of each rule's family, only with one of their rule tags; StopTask only of tasks tagged with
 * one of them; the ledger items of each.
 */
export class CronClusterRunner extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** The dead-letter queue of the schedules and event rules that feed the queue, for what they could not deliver. */
  readonly undelivered: Queue;
  readonly function: SchedulerFunction;
  private readonly served: ReadonlySet<string>;

  constructor(scope: Construct, id: string, props: CronClusterRunnerProps) {
    super(scope, id);
    const rules = props.rules.map(({ rule }) => rule);
    const cluster = rules[0]?.cluster;
    if (cluster === undefined) throw new Error('CronClusterRunner: rules is empty; a runner serves at least one rule');
    const strangers = rules.filter((rule) => rule.cluster !== cluster).map((rule) => `${rule.name} (${rule.cluster})`);
    if (strangers.length > 0) throw new Error(`CronClusterRunner: rules must share one cluster, ${cluster}; not so for ${strangers.join(', ')}`);
    const maxConcurrency = props.maxConcurrency ?? CRON_RUNNER_BATCH.maxConcurrency;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      throw new Error(`CronClusterRunner: maxConcurrency must be a whole number from 2 to 1000 (Lambda's range), found ${maxConcurrency}`);
    }
    this.served = new Set(rules.map((rule) => rule.name));

    const timeouts = cronRunnerTimeouts(rules);
    const timeout = Duration.seconds(timeouts.functionSeconds);
    const queues = new RuleQueues(this, 'Queues', {
      functionTimeout: timeout,
      visibilityTimeout: Duration.seconds(timeouts.visibilitySeconds),
      maxReceiveCount: timeouts.maxReceiveCount,
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.undelivered = queues.undelivered;

    this.function = new SchedulerFunction(this, 'Run', {
      handler: 'cron.ts',
      timeout,
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      tracing: props.tracing,
      // The rules travel in a layer: in the environment (4 KB in all) a dozen would fail the deploy.
      layers: [cronRulesLayer(this, 'Rules', rules)],
      environment: {
        CRON_RULES_FILE,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        LEDGER_TABLE_NAME: props.ledger.table.tableName,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: CRON_RUNNER_BATCH.batchSize, maxConcurrency, reportBatchItemFailures: true }),
    );
    grantPutResultEvents(this.function, props.eventBus);
    props.ledger.grantRuleAccess(this.function, rules.map((rule) => rule.name));
    // Each rule may stop its own copies: those found above a slot's count, whatever the policy,
    // and with Replace or maxRunSeconds the runs those end.
    grantEcsAccess(this, this.function, {
      cluster,
      // Copies of EC2 rules are started where we place them (StartTask); ECS places the others (RunTask).
      families: props.rules.filter(({ rule }) => !placedByEcs(rule)).map(({ family }) => family),
      runFamilies: props.rules.filter(({ rule }) => placedByEcs(rule)).map(({ family }) => family),
      passRoleArns: rules.flatMap((rule) => rule.passRoles ?? []),
      ruleTags: rules.map((rule) => ruleTagValue('cron', rule.name)),
    });
  }

  /** Whether this runner's function serves the rule of that name. */
  serves(rule: string): boolean {
    return this.served.has(rule);
  }
}
