import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import * as schedulers from '../../infra/index.js';

describe('the package entry point', () => {
  it('gives an existing CDK app the constructs and the config helpers', () => {
    expect(Object.keys(schedulers).sort()).toEqual(
      ['AlarmTopic', 'CronClusterRunner', 'CronRuleScheduler', 'DaemonRuleScheduler', 'Operations', 'RuleQueues', 'RunLedgerTable', 'SchedulersStack', 'defineConfig', 'familyOf', 'loadConfig', 'overduePassInterval', 'validateConfig'].sort(),
    );
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Mine');
    const rule = schedulers.loadConfig(
      schedulers.defineConfig({ clusters: { prod: {} }, daemons: [{ name: 'agent', cluster: 'prod', taskDefinition: 'agent:3' }] }),
    ).daemons![0]!;
    new schedulers.DaemonRuleScheduler(stack, 'Agent', { rule, family: schedulers.familyOf(rule.taskDefinition), eventBus: EventBus.fromEventBusName(stack, 'Bus', 'default') });
    // The reconcile function, and the removal provider the construct brings (2 handlers, 3 of CDK's framework).
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 6);
  });
});
