import { CfnOutput, Stack, Token, type StackProps } from 'aws-cdk-lib';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { clusterTarget } from '../shared/config/cluster-target.js';
import type { SchedulerConfig } from '../shared/config/index.js';
import { queueOutputName } from '../shared/config/stack-outputs.js';
import { familyOf } from '../shared/ecs/task-definition-reference.js';
import { CronRuleScheduler } from './cron-rule.js';
import { CronClusterRunner } from './cron-runner.js';
import { DaemonRuleScheduler } from './daemon-rule.js';
import { Operations, type WatchedQueue, type WatchedRule } from './operations.js';
import { RunLedgerTable } from './run-ledger.js';

export interface SchedulersStackProps extends StackProps {
  /** A validated config (see loadConfig). */
  config: SchedulerConfig;
  /** Log retention of every function. Default one month. */
  logRetention?: RetentionDays;
  /** Active X-Ray tracing on every function. Default off. */
  tracing?: boolean;
  /**
   * A topic of your own for the alarms (see OperationsProps.alarmTopic for what its policy and key
   * must allow). Default: the config's `alarmTopicArn`, else the stack's own AlarmTopic.
   */
  alarmTopic?: ITopic;
}

/**
 * Every configured rule in one stack: a DaemonRuleScheduler per daemon rule, a CronClusterRunner
 * per cluster with cron rules and a CronRuleScheduler per cron rule (its schedules, run-end rule
 * and removal) on its cluster's runner, results on one event bus, and the alarms and dashboard of
 * Operations.
 */
export class SchedulersStack extends Stack {
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: SchedulersStackProps) {
    super(scope, id, props);
    const { config } = props;
    const eventBus = resultsBus(this, config.eventBusName ?? 'default');
    const common = { eventBus, logRetention: props.logRetention, tracing: props.tracing };
    const watched: WatchedRule[] = [];

    for (const daemon of config.daemons ?? []) {
      const scheduler = new DaemonRuleScheduler(this, `Daemon-${daemon.name}`, {
        ...common,
        rule: { ...daemon, cluster: this.clusterReference(config, daemon.cluster) },
        family: familyOf(daemon.taskDefinition),
        passRoleArns: daemon.passRoles ?? [],
      });
      watched.push({ name: daemon.name, kind: 'daemon', deadLetterQueues: [{ label: 'DLQ', queue: scheduler.deadLetterQueue }, { label: 'undelivered events', queue: scheduler.undeliveredEvents }] });
      new CfnOutput(this, queueOutputName('daemons', daemon.name), { value: scheduler.queue.queueUrl, description: `Trigger queue of daemon rule ${daemon.name}` });
    }
    const crons = (config.crons ?? []).map((cron) => ({ rule: { ...cron, cluster: this.clusterReference(config, cron.cluster) }, family: familyOf(cron.taskDefinition) }));
    // One ledger for every cron rule of the stack; each function may touch only the items of the rules it serves.
    const ledger = crons.length > 0 ? new RunLedgerTable(this, 'RunLedger') : undefined;
    // One runner per cluster serves all its cron rules: slots that fire together share a scan of its instances.
    const runners = new Map<string, CronClusterRunner>();
    const watchedQueues: WatchedQueue[] = [];
    for (const cluster of new Set(crons.map(({ rule }) => rule.cluster))) {
      const served = crons.filter(({ rule }) => rule.cluster === cluster);
      const runner = new CronClusterRunner(this, `CronRunner-${cluster}`, { ...common, rules: served, ledger: ledger! });
      runners.set(cluster, runner);
      watchedQueues.push(
        { owner: `cron runner of cluster ${cluster}`, id: `cron-runner-${cluster}-DLQ`, queue: runner.deadLetterQueue },
        { owner: `cron runner of cluster ${cluster}`, id: `cron-runner-${cluster}-undelivered-slots`, queue: runner.undelivered },
      );
    }
    for (const { rule: cron, family } of crons) {
      const scheduler = new CronRuleScheduler(this, `Cron-${cron.name}`, { ...common, rule: cron, family, ledger: ledger!, runner: runners.get(cron.cluster)! });
      // The dead-letter queues are the runner's, watched once for all its rules.
      watched.push({ name: cron.name, kind: 'cron', deadLetterQueues: [], alarmOnFailure: cron.alarmOnFailure });
      // `ecs-sched run` and anyone with access send "run now" here (see shared/handlers/cron/README.md).
      new CfnOutput(this, queueOutputName('crons', cron.name), { value: scheduler.queue.queueUrl, description: `Queue of the cron runner that serves rule ${cron.name} (group: the rule's name)` });
    }

    const alarmTopic = props.alarmTopic ?? (config.alarmTopicArn ? Topic.fromTopicArn(this, 'OwnAlarmTopic', config.alarmTopicArn) : undefined);
    this.operations = new Operations(this, 'Operations', { rules: watched, queues: watchedQueues, dashboardName: `${this.stackName}-schedulers`, alarmTopic });
    if (ledger) new CfnOutput(this, 'RunLedgerTable', { value: ledger.table.tableName, description: 'The run ledger: ecs-sched status and history read it (--table)' });
    new CfnOutput(this, 'AlarmTopic', { value: this.operations.alarmTopic.topicArn, description: 'Subscribe to be told when a scheduler needs attention' });
  }

  /**
   * What the function passes to ECS as `cluster`: the cluster's name. A cluster must live in the
   * stack's own account and Region: the functions run there.
   */
  private clusterReference(config: SchedulerConfig, key: string): string {
    const cluster = clusterTarget(config, key);
    for (const [part, actual, expected] of [['Region', cluster.region, this.region], ['account', cluster.account, this.account]] as const) {
      if (actual !== undefined && !Token.isUnresolved(expected) && actual !== expected) {
        throw new Error(`Cluster "${key}" (${cluster.reference}) is in ${part} ${actual}, but this stack deploys to ${expected}: deploy the schedulers where the cluster is`);
      }
    }
    return cluster.name;
  }

}

function resultsBus(scope: Construct, nameOrArn: string): IEventBus {
  return nameOrArn.startsWith('arn:') ? EventBus.fromEventBusArn(scope, 'ResultsBus', nameOrArn) : EventBus.fromEventBusName(scope, 'ResultsBus', nameOrArn);
}
