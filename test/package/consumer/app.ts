// An existing TypeScript CDK app that installed the package: one rule of each kind by hand in a
// stack of its own, and the whole stack from a config. Compiled with tsc, run with node.
import { App, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { CronRuleScheduler, DaemonRuleScheduler, RunLedgerTable, SchedulersStack, familyOf, loadConfig, type CronRule, type DaemonRule } from 'ecs-shared-state-schedulers';
import config from './scheduler.config.js';

const app = new App({ outdir: process.argv[2] });
const env = { account: '111122223333', region: 'eu-west-1' };

const mine = new Stack(app, 'Mine', { env });
const bus = EventBus.fromEventBusName(mine, 'Bus', 'default');
const daemon: DaemonRule = { name: 'agent', cluster: 'prod', taskDefinition: 'agent:3' };
new DaemonRuleScheduler(mine, 'Agent', { rule: daemon, family: familyOf(daemon.taskDefinition), eventBus: bus });
const cron: CronRule = { name: 'report', cluster: 'prod', taskDefinition: 'report', schedule: 'rate(1 hour)' };
new CronRuleScheduler(mine, 'Report', { rule: cron, family: familyOf(cron.taskDefinition), eventBus: bus, ledger: new RunLedgerTable(mine, 'Ledger') });

new SchedulersStack(app, 'FromConfig', { config: loadConfig(config), env });

// The declarations carry real types, not `any`: each of these is refused by the compiler.
// @ts-expect-error a daemon rule needs a cluster
export const noCluster: DaemonRule = { name: 'x', taskDefinition: 'y' };
// @ts-expect-error the overlap policy is one of three words
export const badPolicy: CronRule = { ...cron, overlapPolicy: 'Sometimes' };
app.synth();
