import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { runEndsPattern } from '../shared/events/patterns.js';
import { cronRulePrefix, type CronRule } from '../shared/rules/cron/rule.js';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../shared/report/vocabulary.js';
import { MAX_STARTING_DEADLINE_SECONDS, secondsToDeadline } from '../shared/rules/cron/deadline.js';
import { cronTimeouts } from '../shared/queues/timeouts.js';
import { overduePassMinutes } from '../shared/rules/cron/overdue-pass.js';
import { slotMessage } from '../shared/handlers/cron/messages.js';
import { clusterArn, grantEcsAccess } from './ecs-permissions.js';
import type { RunLedgerTable } from './run-ledger.js';
import { RuleQueues } from './rule-queues.js';
import { RuleRemoval } from './rule-removal.js';
import { SchedulerFunction } from './scheduler-function.js';
import { ruleTagValue } from '../shared/rules/rule-tag.js';
import { grantPutResultEvents } from './results-permissions.js';

export interface CronRuleSchedulerProps {
  rule: CronRule;
  /** The task definition's family, for StartTask permissions (the rule may name family:revision or an ARN). */
  family: string;
  /** Where results are published. */
  eventBus: IEventBus;
  /** The stack's run ledger: the slot claims, run outcomes and retries of this rule. */
  ledger: RunLedgerTable;
  /** Default one month. */
  logRetention?: RetentionDays;
  /** Default off. */
  tracing?: boolean;
  /** Default 512 MiB. */
  memorySize?: number;
  /**
   * When the rule leaves the stack: DESTROY stops its runs still going if the rule's
   * stopRunsOnRemoval says so (else they finish); RETAIN never touches them. Default DESTROY.
   */
  removalPolicy?: RemovalPolicy;
}

/**
 * One cron rule, deployed: an EventBridge Scheduler schedule (its expression, time zone and
 * flexible window) sends each slot, with its scheduled time, to an SQS FIFO queue whose message
 * group is the rule, so one slot of a rule is handled at a time and a slot delivered twice within
 * five minutes is deduplicated by content; a Lambda drains the queue. A rule with a maximum run
 * time gets a second schedule for the pass that stops overdue runs. Slots Scheduler cannot
 * deliver, and messages that keep failing, end in dead-letter queues; a message that can never
 * succeed (malformed, off the schedule) is rejected loudly and deleted by the handler instead.
 * A failed message comes back after the function's timeout + 30 s, not six times the timeout:
 * while it waits, it holds up every later slot of the rule's message group.
 */
export class CronRuleScheduler extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Scheduler's own dead-letter queue, for slots it could not deliver to the queue. */
  readonly undeliveredSlots: Queue;
  readonly function: SchedulerFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: CronRuleSchedulerProps) {
    super(scope, id);
    const { rule } = props;
    const deadline = secondsToDeadline(rule);
    // The handler retries for capacity until the starting deadline; capacity retries that would need
    // longer than Lambda's 900 s are cut short and the slot reported failed. The local FIFO queue
    // and the handler's completion bound read the same numbers (shared/queues/timeouts.ts).
    const timeouts = cronTimeouts(rule);
    const timeout = Duration.seconds(timeouts.functionSeconds);

    const queues = new RuleQueues(this, 'Queues', {
      functionTimeout: timeout,
      visibilityTimeout: Duration.seconds(timeouts.visibilitySeconds),
      maxReceiveCount: timeouts.maxReceiveCount,
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.undeliveredSlots = queues.undelivered;

    const toQueue = (input: ScheduleTargetInput) =>
      new SqsSendMessage(this.queue, {
        messageGroupId: rule.name,
        input,
        deadLetterQueue: this.undeliveredSlots,
        // Delivering a slot later than its deadline is pointless: the handler would skip it.
        maxEventAge: Duration.seconds(Math.min(MAX_STARTING_DEADLINE_SECONDS, Math.max(60, deadline))),
        retryAttempts: 10,
      });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `Slots of cron rule ${rule.name}`,
      schedule: ScheduleExpression.expression(rule.schedule, TimeZone.of(rule.timeZone ?? 'UTC')),
      timeWindow: rule.flexibleWindowMinutes ? TimeWindow.flexible(Duration.minutes(rule.flexibleWindowMinutes)) : TimeWindow.off(),
      // A suspended rule keeps its schedule, so each skipped slot is still reported.
      // The expression and time zone travel with each slot: during a deploy the schedule and the
      // function's copy of the rule change separately, and the handler checks a slot against the
      // schedule that fired it.
      target: toQueue(ScheduleTargetInput.fromObject(slotMessage(rule, ContextAttribute.scheduledTime))),
    });
    if (rule.maxRunSeconds !== undefined) {
      new Schedule(this, 'OverdueRuns', {
        description: `Stops runs of cron rule ${rule.name} past ${rule.maxRunSeconds} s`,
        schedule: ScheduleExpression.rate(overduePassInterval(rule.maxRunSeconds)),
        // The time makes each pass's body unique, so FIFO deduplication never drops one.
        target: toQueue(ScheduleTargetInput.fromObject({ kind: 'overdue', rule: rule.name, at: ContextAttribute.scheduledTime })),
      });
    }


    if (rule.retries) {
      new Schedule(this, 'Retries', {
        description: `Begins the due retries of cron rule ${rule.name}`,
        // Retries wait at least a minute (retryDelaySeconds), so a pass a minute is on time.
        schedule: ScheduleExpression.rate(Duration.minutes(1)),
        target: toQueue(ScheduleTargetInput.fromObject({ kind: 'retries', rule: rule.name, at: ContextAttribute.scheduledTime })),
      });
    }
    // How each run ends: its copies' STOPPED events, in the rule's message group beside its slots.
    new Rule(this, 'RunEnds', {
      description: `Copies of cron rule ${rule.name} that stopped: their exit codes are the run's outcome`,
      eventPattern: runEndsPattern(clusterArn(this, rule.cluster), cronRulePrefix(rule)) as never,
      targets: [new SqsQueue(this.queue, { messageGroupId: rule.name, deadLetterQueue: this.undeliveredSlots, retryAttempts: 10, maxEventAge: Duration.hours(1) })],
    });

    this.function = new SchedulerFunction(this, 'Run', {
      handler: 'cron.ts',
      timeout,
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      tracing: props.tracing,
      environment: {
        CRON_RULE: JSON.stringify(rule),
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        LEDGER_TABLE_NAME: props.ledger.table.tableName,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });
    // One message per invocation: in a batch, a slot would wait out the capacity retries of the one
    // ahead of it, and messages behind a failing one would be received again with it.
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }));
    grantPutResultEvents(this.function, props.eventBus);
    props.ledger.grantRuleAccess(this.function, rule.name);
    // It may stop its own copies: those found above a slot's count, whatever the policy, and with
    // Replace or maxRunSeconds the runs those end.
    // Fargate and capacity provider runs are placed by ECS through RunTask; EC2 runs by us through StartTask.
    const startAction = (rule.launch?.type ?? 'ec2') === 'ec2' ? 'StartTask' : 'RunTask';
    grantEcsAccess(this, this.function, { cluster: rule.cluster, family: props.family, passRoleArns: rule.passRoles ?? [], ruleTag: ruleTagValue('cron', rule.name), startAction });
    new RuleRemoval(this, 'Removal', {
      terms: { kind: 'cron', rule: rule.name, cluster: rule.cluster, family: props.family, stopRuns: rule.stopRunsOnRemoval === true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }
}

/** How often overdue runs are looked for, as a CDK Duration (see overduePassMinutes). */
export function overduePassInterval(maxRunSeconds: number): Duration {
  return Duration.minutes(overduePassMinutes(maxRunSeconds));
}
