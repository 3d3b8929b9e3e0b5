import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, SingleValueWidget, TextWidget, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmTopic, alarmNamePrefix } from './alarm-topic.js';
import { DetailType, METRICS_NAMESPACE, MetricName, ruleDimensions, SERVICE_NAME, type RuleKind } from '../shared/report/vocabulary.js';

export interface WatchedRule {
  name: string;
  kind: RuleKind;
  /** Queues whose messages mean lost work: each gets an alarm. */
  deadLetterQueues: ReadonlyArray<{ label: string; queue: IQueue }>;
  /** Cron rules: alarm when a slot's last attempt fails (the job itself failed). Default true. */
  alarmOnFailure?: boolean;
}

/** A dead-letter queue no single rule owns (a cluster's cron runner serves several): one alarm for it. */
export interface WatchedQueue {
  /** Who it belongs to, for the alarm's description: `cron runner of cluster prod`. */
  owner: string;
  /** The alarm's id, unique in the stack. */
  id: string;
  queue: IQueue;
}

export interface OperationsProps {
  rules: readonly WatchedRule[];
  /** Dead-letter queues beyond the rules' own. Default none. */
  queues?: readonly WatchedQueue[];
  dashboardName?: string;
  /**
   * Where the alarms are sent. Default: an AlarmTopic of this construct (a topic encrypted with
   * a customer-managed key, which CloudWatch may publish to). A topic of your own must allow
   * `sns:Publish` to the service principal `cloudwatch.amazonaws.com` for this stack's alarms
   * (their names start with `<stack name>/`), and, if it is encrypted, use a customer-managed KMS
   * key whose policy lets `cloudwatch.amazonaws.com` use `kms:Decrypt` and `kms:GenerateDataKey*`:
   * alarms cannot publish to a topic encrypted with the AWS-managed key `alias/aws/sns`.
   */
  alarmTopic?: ITopic;
}

const PERIOD = Duration.minutes(5);

/**
 * What an on-call engineer looks at: an alarm on every dead-letter queue (a message there is a
 * reconcile or slot that never happened), an alarm per rule on placement failures and per cron
 * rule on rejected messages, all sent to
 * one SNS topic to subscribe to (see AlarmTopic, or bring your own), and one dashboard with daemon coverage, cron runs and
 * skips, failures, conflicts and ECS throttles.
 */
export class Operations extends Construct {
  readonly alarmTopic: ITopic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'Alarms');
    const notify = new SnsAction(this.alarmTopic);
    const deadLetters: IMetric[] = [];

    for (const { owner, id, queue } of props.queues ?? []) {
      const metric = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
      deadLetters.push(metric);
      this.alarm(id, {
        metric,
        description: `${owner}: messages in a dead-letter queue. Each is work that did not happen (the message body names its rule); read it, fix the cause, then redrive it.`,
        evaluationPeriods: 1,
      }, notify);
    }
    for (const rule of props.rules) {
      for (const { label, queue } of rule.deadLetterQueues) {
        const metric = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
        deadLetters.push(metric);
        this.alarm(`${rule.kind}-${rule.name}-${label}`, {
          metric,
          description: `${rule.kind} rule ${rule.name}: messages in ${label}. Each is work that did not happen; read it, fix the cause, then redrive it.`,
          evaluationPeriods: 1,
        }, notify);
      }
      const failures = rule.kind === 'daemon' ? ruleMetric(rule, MetricName.FailedToPlace, 'Maximum') : ruleMetric(rule, MetricName.SlotsFailed, 'Sum');
      this.alarm(`${rule.kind}-${rule.name}-placement`, {
        metric: failures,
        description:
          rule.kind === 'daemon'
            ? `daemon rule ${rule.name}: eligible instances without a copy for 15 minutes; the "${DetailType.DaemonPlacementFailed}" events name them and the reason.`
            : `cron rule ${rule.name}: a slot failed to start by its deadline; the "${DetailType.CronSlotFailed}" event says why.`,
        evaluationPeriods: rule.kind === 'daemon' ? 3 : 1,
      }, notify);
      if (rule.kind === 'cron' && rule.alarmOnFailure !== false) {
        this.alarm(`${rule.kind}-${rule.name}-failed-runs`, {
          metric: ruleMetric(rule, MetricName.RunsFailed, 'Sum'),
          description: `cron rule ${rule.name}: a run failed after its retries; the "${DetailType.CronRunFailed}" event names each copy's stop code, reason and exit codes, and \`ecs-sched history ${rule.name}\` lists the slot.`,
          evaluationPeriods: 1,
        }, notify);
      }
      if (rule.kind === 'cron') {
        this.alarm(`${rule.kind}-${rule.name}-rejected`, {
          metric: ruleMetric(rule, MetricName.MessagesRejected, 'Sum'),
          description: `cron rule ${rule.name}: a message on its queue could never be handled and was rejected; the "${DetailType.CronMessageRejected}" event and the error log hold its body and the reason.`,
          evaluationPeriods: 1,
        }, notify);
      }
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(6) });
    const daemons = props.rules.filter((r) => r.kind === 'daemon');
    const crons = props.rules.filter((r) => r.kind === 'cron');
    this.dashboard.addWidgets(new TextWidget({ markdown: '# ECS schedulers\nDaemon coverage, cron runs, failures, conflicts and ECS throttles, per rule.', width: 24, height: 2 }));
    for (const rule of daemons) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `daemon ${rule.name}: coverage`,
          left: [MetricName.Desired, MetricName.Available, MetricName.UpToDate, MetricName.Unavailable, MetricName.Misscheduled].map((name) => ruleMetric(rule, name, 'Maximum')),
          width: 12,
        }),
        new GraphWidget({
          title: `daemon ${rule.name}: actions`,
          left: [MetricName.Started, MetricName.Stopped, MetricName.FailedToPlace, MetricName.Conflicts, MetricName.EcsThrottles].map((name) => ruleMetric(rule, name, 'Sum')),
          width: 12,
        }),
      );
    }
    for (const rule of crons) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `cron ${rule.name}: runs`,
          left: [MetricName.RunsStarted, MetricName.RunsSucceeded, MetricName.RunsFailed, MetricName.RunsRetried, MetricName.SlotsSkipped, MetricName.SlotsFailed, MetricName.OverdueStopped, MetricName.MessagesRejected].map((name) => ruleMetric(rule, name, 'Sum')),
          width: 12,
        }),
        new GraphWidget({
          title: `cron ${rule.name}: contention`,
          left: [MetricName.Conflicts, MetricName.EcsThrottles].map((name) => ruleMetric(rule, name, 'Sum')),
          width: 12,
        }),
      );
    }
    if (deadLetters.length > 0) {
      this.dashboard.addWidgets(new SingleValueWidget({ title: 'messages in dead-letter queues', metrics: deadLetters, width: 24 }));
    }
  }

  private alarm(id: string, props: { metric: IMetric; description: string; evaluationPeriods: number }, notify: SnsAction): void {
    const alarm = new Alarm(this, id, {
      // Named, so the topic and key policies can allow CloudWatch for this stack's alarms only.
      alarmName: `${alarmNamePrefix(this)}${this.node.id}/${id.replace(/\s+/g, '-')}`,
      metric: props.metric,
      alarmDescription: props.description,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(notify);
    this.alarms.push(alarm);
  }
}

/** A metric the handlers publish for one rule (Powertools adds the service dimension). */
function ruleMetric(rule: WatchedRule, metricName: MetricName, statistic: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, ...ruleDimensions(rule.name, rule.kind) },
    statistic,
    period: PERIOD,
  });
}
