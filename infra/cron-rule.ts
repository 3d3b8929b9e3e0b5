import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { runEndsPattern } from '../shared/events/patterns.js';
import { cronRulePrefix, type CronRule } from '../shared/rules/cron/rule.js';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_STARTING_DEADLINE_SECONDS, secondsToDeadline } from '../shared/rules/cron/deadline.js';
import { overduePassMinutes } from '../shared/rules/cron/overdue-pass.js';
import { slotMessage } from '../shared/handlers/cron/messages.js';
import { CronClusterRunner } from './cron-runner.js';
import { clusterArn } from './ecs-permissions.js';
import type { RunLedgerTable } from './run-ledger.js';
import { RuleRemoval } from './rule-removal.js';
import type { SchedulerFunction } from './scheduler-function.js';

export interface CronRuleSchedulerProps {
  rule: CronRule;
  /** The task definition's family, for StartTask permissions (the rule may name family:revision or an ARN). */
  family: string;
  /** Where results are published. */
  eventBus: IEventBus;
  /** The stack's run ledger: the slot claims, run outcomes and retries of this rule. */
  ledger: RunLedgerTable;
  /**
   * The runner of the rule's cluster, which must serve this rule: its queue carries the rule's
   * messages and its function runs them, beside the cluster's other cron rules, sharing their
   * instance scans. Default: a runner of its own, serving this rule only (logRetention, tracing
   * and memorySize apply to it; a given runner has its own).
   */
  runner?: CronClusterRunner;
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
 * flexible window) sends each slot, with its scheduled time, to its cluster runner's SQS FIFO
 * queue in the message group named after the rule, so one slot of a rule is handled at a time
 * and a slot delivered twice within five minutes is deduplicated by content; the runner's Lambda
 * drains the queue (see CronClusterRunner). A rule with a maximum run time gets a second schedule
 * for the pass that stops overdue runs, one with retries a third for the retry pass, and an
 * EventBridge rule sends its copies' STOPPED events into its group. Slots Scheduler cannot
 * deliver, and messages that keep failing, end in the runner's dead-letter queues; a message that
 * can never succeed (malformed, off the schedule) is rejected loudly and deleted by the handler.
 */
export class CronRuleScheduler extends Construct {
  /** The runner's queue, which carries this rule's messages (among its cluster's other rules'). */
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Scheduler's own dead-letter queue, for slots it could not deliver to the queue. */
  readonly undeliveredSlots: Queue;
  /** The runner's function, which runs this rule (among its cluster's other rules). */
  readonly function: SchedulerFunction;
  readonly runner: CronClusterRunner;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: CronRuleSchedulerProps) {
    super(scope, id);
    const { rule } = props;
    if (props.runner && !props.runner.serves(rule.name)) {
      throw new Error(`CronRuleScheduler ${rule.name}: the runner given does not serve this rule; list it in the runner's rules`);
    }
    this.runner =
      props.runner ??
      new CronClusterRunner(this, 'Runner', {
        rules: [{ rule, family: props.family }],
        eventBus: props.eventBus,
        ledger: props.ledger,
        logRetention: props.logRetention,
        tracing: props.tracing,
        memorySize: props.memorySize,
      });
    this.queue = this.runner.queue;
    this.deadLetterQueue = this.runner.deadLetterQueue;
    this.undeliveredSlots = this.runner.undelivered;
    this.function = this.runner.function;
    const deadline = secondsToDeadline(rule);

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
