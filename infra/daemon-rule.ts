import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput, Schedule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { instanceEventsPattern, copyLifecyclePattern } from '../shared/events/patterns.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../shared/report/vocabulary.js';
import { daemonKey, type DaemonRule } from '../shared/rules/daemon/rule.js';
import { clusterArn, grantEcsAccess } from './ecs-permissions.js';
import { DAEMON_TIMEOUTS } from '../shared/queues/timeouts.js';
import { RuleQueues } from './rule-queues.js';
import { RuleRemoval } from './rule-removal.js';
import { SchedulerFunction } from './scheduler-function.js';
import { ruleTagValue } from '../shared/rules/rule-tag.js';
import { grantPutResultEvents } from './results-permissions.js';

export interface DaemonRuleSchedulerProps {
  rule: DaemonRule;
  /** The task definition's family, for StartTask permissions (the rule may name family:revision or an ARN). */
  family: string;
  /** Roles the task definition names (task and execution role): StartTask passes them to ECS. Default none. */
  passRoleArns?: readonly string[];
  /** Where results are published. */
  eventBus: IEventBus;
  /** Default one month. */
  logRetention?: RetentionDays;
  /** Default off. */
  tracing?: boolean;
  /** Default 512 MiB. */
  memorySize?: number;
  /**
   * The copies when the rule leaves the stack: DESTROY stops them at the maxUnavailable pace,
   * RETAIN keeps them running. Default: the rule's removalPolicy, else DESTROY.
   */
  removalPolicy?: RemovalPolicy;
}

/** One source with the local FIFO queue (shared/queues/timeouts.ts). */
const RECONCILE_TIMEOUT = Duration.seconds(DAEMON_TIMEOUTS.functionSeconds);

/**
 * One daemon rule, deployed: the cluster's container-instance events and the rule's copies
 * reaching RUNNING or STOPPED (EventBridge rules filtered to the cluster), plus a periodic sweep, all go into one SQS
 * FIFO queue with the cluster as message group, so the rule's reconciles run one at a time and a
 * burst of events collapses into a few; a Lambda drains it; failed batches end in a dead-letter
 * queue. The function may read the cluster, start only the rule's family there, stop tasks only
 * there, and publish results only to the given bus.
 */
export class DaemonRuleScheduler extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** EventBridge's own dead-letter queue, for events it could not deliver to the queue. */
  readonly undeliveredEvents: Queue;
  readonly function: SchedulerFunction;

  constructor(scope: Construct, id: string, props: DaemonRuleSchedulerProps) {
    super(scope, id);
    const { rule } = props;
    const cluster = clusterArn(this, rule.cluster);
    const key = daemonKey(rule);

    const queues = new RuleQueues(this, 'Queues', {
      functionTimeout: RECONCILE_TIMEOUT,
      visibilityTimeout: Duration.seconds(DAEMON_TIMEOUTS.visibilitySeconds),
      maxReceiveCount: DAEMON_TIMEOUTS.maxReceiveCount,
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.undeliveredEvents = queues.undelivered;
    const toQueue = (message?: RuleTargetInput) =>
      new SqsQueue(this.queue, { messageGroupId: cluster, message, deadLetterQueue: this.undeliveredEvents, retryAttempts: 10, maxEventAge: Duration.hours(1) });
    new Rule(this, 'InstanceEvents', {
      description: `Container instance changes in ${rule.cluster}, for daemon ${rule.name}`,
      eventPattern: instanceEventsPattern(cluster) as never,
      targets: [toQueue()],
    });
    new Rule(this, 'CopyLifecycle', {
      description: `Copies of daemon ${rule.name} that reach RUNNING or STOPPED`,
      eventPattern: copyLifecyclePattern(cluster, key) as never,
      targets: [toQueue()],
    });
    new Rule(this, 'Sweep', {
      description: `Full reconcile of daemon ${rule.name}, whatever the events said`,
      schedule: Schedule.rate(Duration.minutes(rule.sweepIntervalMinutes ?? 5)),
      // The time makes each sweep's body unique, so FIFO deduplication never drops one.
      targets: [toQueue(RuleTargetInput.fromObject({ kind: 'sweep', rule: rule.name, at: EventField.time }))],
    });


    this.function = new SchedulerFunction(this, 'Reconcile', {
      handler: 'daemon.ts',
      timeout: RECONCILE_TIMEOUT,
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      tracing: props.tracing,
      environment: {
        DAEMON_RULE: JSON.stringify(rule),
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 10 }));
    grantPutResultEvents(this.function, props.eventBus);
    // A daemon stops duplicates, misplaced copies and the copies a rollout replaces.
    grantEcsAccess(this, this.function, { cluster: rule.cluster, families: [props.family], passRoleArns: props.passRoleArns ?? [], ruleTags: [ruleTagValue('daemon', rule.name)] });
    new RuleRemoval(this, 'Removal', {
      terms: { kind: 'daemon', rule: rule.name, cluster: rule.cluster, ...(rule.maxUnavailable !== undefined && { maxUnavailable: rule.maxUnavailable }) },
      removalPolicy: props.removalPolicy ?? (rule.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY),
    });
  }
}
