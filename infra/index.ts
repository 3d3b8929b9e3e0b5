/**
 * The constructs, for a CDK app of your own: one per rule, or the whole stack from a config.
 *
 *   import { DaemonRuleScheduler, CronRuleScheduler } from 'ecs-shared-state-schedulers';
 */
export { AlarmTopic } from './alarm-topic.js';
export { CronRuleScheduler, overduePassInterval, type CronRuleSchedulerProps } from './cron-rule.js';
export { CronClusterRunner, type CronClusterRunnerProps, type CronRunnerRule } from './cron-runner.js';
export { DaemonRuleScheduler, type DaemonRuleSchedulerProps } from './daemon-rule.js';
export { Operations, type OperationsProps, type WatchedQueue, type WatchedRule } from './operations.js';
export { RuleQueues, type RuleQueuesProps } from './rule-queues.js';
export { RunLedgerTable, type RunLedgerTableProps } from './run-ledger.js';
export { SchedulersStack, type SchedulersStackProps } from './stack.js';
export { familyOf } from '../shared/ecs/task-definition-reference.js';
export { defineConfig, loadConfig, validateConfig, type SchedulerConfig } from '../shared/config/index.js';
export type { CronRule } from '../shared/rules/cron/rule.js';
export type { DaemonRule } from '../shared/rules/daemon/rule.js';
