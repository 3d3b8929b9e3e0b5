import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { CronRuleScheduler } from '../../infra/cron-rule.js';
import { CronClusterRunner } from '../../infra/cron-runner.js';
import { RunLedgerTable } from '../../infra/run-ledger.js';
import { SchedulerFunction } from '../../infra/scheduler-function.js';
import type { CronRule } from '../../shared/rules/cron/rule.js';
import { runnerRules } from './runner-rules.js';
import { policyStatements } from '../support/policies.js';

function arn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}
const IN_CLUSTER = { ArnEquals: { 'ecs:cluster': arn(':ecs:us-east-1:123456789012:cluster/batch') } };

const REPORT: CronRule = {
  name: 'nightly-report',
  cluster: 'batch',
  taskDefinition: 'report:3',
  schedule: 'cron(0 2 * * ? *)',
  startingDeadlineSeconds: 300,
  passRoles: ['arn:aws:iam::123456789012:role/report-task'],
};
const CLEANUP: CronRule = { name: 'cleanup', cluster: 'batch', taskDefinition: 'cleanup', schedule: 'cron(0 2 * * ? *)', startingDeadlineSeconds: 60 };

function synth(build: (stack: Stack, common: { eventBus: ReturnType<typeof EventBus.fromEventBusName>; ledger: RunLedgerTable }) => void): { app: App; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack, { eventBus: EventBus.fromEventBusName(stack, 'Bus', 'ops'), ledger: new RunLedgerTable(stack, 'Ledger') });
  return { app, template: Template.fromStack(stack) };
}
function stackWith(build: Parameters<typeof synth>[0]): Template {
  return synth(build).template;
}

/** Rules of one cluster, as many as asked, each with a schedule, a deadline and a role to pass. */
function manyRules(count: number): Array<{ rule: CronRule; family: string }> {
  return Array.from({ length: count }, (_, i) => ({
    rule: { ...REPORT, name: `report-${i}`, taskDefinition: `report-${i}:1`, passRoles: [`arn:aws:iam::123456789012:role/report-${i}`] },
    family: `report-${i}`,
  }));
}


let app: App;
let template: Template;
beforeAll(() => {
  ({ app, template } = synth((stack, common) => {
    const runner = new CronClusterRunner(stack, 'Batch', { ...common, rules: [{ rule: REPORT, family: 'report' }, { rule: CLEANUP, family: 'cleanup' }] });
    new CronRuleScheduler(stack, 'Report', { ...common, rule: REPORT, family: 'report', runner });
    new CronRuleScheduler(stack, 'Cleanup', { ...common, rule: CLEANUP, family: 'cleanup', runner });
  }));
});

describe('CronClusterRunner: the cron rules of one cluster', () => {
  it('has one queue and one function for the cluster, which serves every rule', () => {
    template.resourceCountIs('AWS::Lambda::Function', 5 + 1); // the runner, and the removal provider (2 handlers, 3 of CDK's framework)
    template.resourceCountIs('AWS::SQS::Queue', 3); // messages, dead letters, undelivered
    const runners = runnerRules(app, template);
    expect(runners).toHaveLength(1);
    expect(runners[0]!.fn.Properties.Environment!.Variables.CRON_RULES_FILE).toBe('/opt/ecs-schedulers/cron-rules.json');
    expect(runners[0]!.rules).toEqual([REPORT, CLEANUP]);
    // The longest starting deadline (300 s) and a minute.
    expect(runners[0]!.fn.Properties.Timeout).toBe(360);
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, ContentBasedDeduplication: true, VisibilityTimeout: 360 + 30 });
  });

  it('serves 100 rules on one cluster: the rules are in its layer, and its environment stays far under 4 KB', () => {
    const rules = manyRules(100);
    const synthesized = synth((stack, common) => new CronClusterRunner(stack, 'Batch', { ...common, rules }));
    const [runner] = runnerRules(synthesized.app, synthesized.template);
    expect(runner!.rules).toEqual(rules.map(({ rule }) => rule));
    expect(Buffer.byteLength(JSON.stringify(runner!.fn.Properties.Environment!.Variables))).toBeLessThan(1024);
  });

  it('keeps the rules layer\'s asset while the rules are unchanged, and makes a new one when they change', () => {
    const layerKey = (rules: Array<{ rule: CronRule; family: string }>) =>
      JSON.stringify(Object.values(stackWith((stack, common) => new CronClusterRunner(stack, 'Batch', { ...common, rules })).findResources('AWS::Lambda::LayerVersion'))[0]);
    expect(layerKey(manyRules(3))).toBe(layerKey(manyRules(3)));
    expect(layerKey(manyRules(3))).not.toBe(layerKey(manyRules(4)));
  });

  it('refuses at synth a function whose environment would pass Lambda\'s 4 KB, naming it', () => {
    expect(() =>
      stackWith((stack) => new SchedulerFunction(stack, 'Big', { handler: 'cron.ts', timeout: Duration.minutes(1), environment: { RULES: 'x'.repeat(4100) } })),
    ).toThrow('Function Test/Big: its environment variables take 4105 bytes (counting a deploy-time name at 256); Lambda allows 4096 in all');
  });

  it('may delete the queue\'s messages itself: a rule done early in a batch is deleted before the batch ends', () => {
    const deletes = policyStatements(template).filter((s) => JSON.stringify(s.Action).includes('sqs:DeleteMessage'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BatchQueuesMessages/), 'Arn'] });
  });

  it('receives batches of up to 10, several rules to a batch, at most 2 invocations at once', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, ScalingConfig: { MaximumConcurrency: 2 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('gets each rule\'s slots and run ends on its queue, in the rule\'s own message group', () => {
    const queue = { 'Fn::GetAtt': [Match.stringLikeRegexp('^BatchQueuesMessages'), 'Arn'] };
    for (const rule of [REPORT, CLEANUP]) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Arn: queue, SqsParameters: { MessageGroupId: rule.name } }) });
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ detail: Match.objectLike({ startedBy: [{ prefix: `cron/${rule.name}/` }] }) }),
        Targets: [Match.objectLike({ Arn: queue, SqsParameters: { MessageGroupId: rule.name } })],
      });
    }
  });

  it('may start each rule\'s family only with one of the rules\' tags, in its cluster', () => {
    const all = policyStatements(template);
    expect(all.filter((s) => s.Sid === 'StartFamily')).toEqual([
      {
        Sid: 'StartFamily',
        Action: 'ecs:StartTask',
        Effect: 'Allow',
        Resource: [arn(':ecs:us-east-1:123456789012:task-definition/report:*'), arn(':ecs:us-east-1:123456789012:task-definition/cleanup:*')],
        Condition: { ...IN_CLUSTER, StringEquals: { 'aws:RequestTag/ecs-schedulers:rule': ['cron/nightly-report', 'cron/cleanup'] } },
      },
    ]);
    expect(all.filter((s) => s.Sid === 'TagStartedTasks')).toEqual([
      {
        Sid: 'TagStartedTasks',
        Action: 'ecs:TagResource',
        Effect: 'Allow',
        Resource: arn(':ecs:us-east-1:123456789012:task/batch/*'),
        Condition: { StringEquals: { 'ecs:CreateAction': 'StartTask', 'aws:RequestTag/ecs-schedulers:rule': ['cron/nightly-report', 'cron/cleanup'] } },
      },
    ]);
  });

  it('starts the EC2 rules\' families with StartTask and the rules ECS places with RunTask, each on its own families', () => {
    const FARGATE: CronRule = { ...CLEANUP, launch: { type: 'fargate', subnets: ['subnet-0123456789abcdef0'] } };
    const mixed = stackWith((stack, common) => {
      new CronClusterRunner(stack, 'Batch', { ...common, rules: [{ rule: REPORT, family: 'report' }, { rule: FARGATE, family: 'cleanup' }] });
    });
    const tags = { 'aws:RequestTag/ecs-schedulers:rule': ['cron/nightly-report', 'cron/cleanup'] };
    const all = policyStatements(mixed);
    expect(all.filter((s) => s.Sid === 'StartFamily' || s.Sid === 'RunFamily')).toEqual([
      { Sid: 'StartFamily', Action: 'ecs:StartTask', Effect: 'Allow', Resource: arn(':ecs:us-east-1:123456789012:task-definition/report:*'), Condition: { ...IN_CLUSTER, StringEquals: tags } },
      { Sid: 'RunFamily', Action: 'ecs:RunTask', Effect: 'Allow', Resource: arn(':ecs:us-east-1:123456789012:task-definition/cleanup:*'), Condition: { ...IN_CLUSTER, StringEquals: tags } },
    ]);
    expect(all.filter((s) => s.Sid === 'TagStartedTasks').map((s) => s.Condition)).toEqual([{ StringEquals: { 'ecs:CreateAction': ['StartTask', 'RunTask'], ...tags } }]);
    expect(all.filter((s) => JSON.stringify(s.Action).includes('ec2:'))).toEqual([]);
  });

  it('may stop only tasks tagged with one of its rules', () => {
    expect(policyStatements(template).filter((s) => JSON.stringify(s.Action).includes('ecs:StopTask'))).toEqual([
      {
        Sid: 'StopOwnCopies',
        Action: 'ecs:StopTask',
        Effect: 'Allow',
        Resource: arn(':ecs:us-east-1:123456789012:task/batch/*'),
        Condition: { ...IN_CLUSTER, StringEquals: { 'aws:ResourceTag/ecs-schedulers:rule': ['cron/nightly-report', 'cron/cleanup'] } },
      },
    ]);
  });

  it('reads the cluster and passes only the rules\' roles', () => {
    const all = policyStatements(template);
    expect(all.filter((s) => s.Sid === 'ReadCluster')).toEqual([
      { Sid: 'ReadCluster', Action: ['ecs:DescribeClusters', 'ecs:ListContainerInstances'], Effect: 'Allow', Resource: arn(':ecs:us-east-1:123456789012:cluster/batch') },
    ]);
    expect(all.filter((s) => s.Sid === 'PassTaskRoles')).toEqual([
      {
        Sid: 'PassTaskRoles',
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: 'arn:aws:iam::123456789012:role/report-task',
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
  });

  it('may touch the ledger items of its rules only', () => {
    const ledger = policyStatements(template).filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]!.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['cron#nightly-report', 'cron#cleanup'] } });
  });

  it('keeps a removal per rule', () => {
    template.resourceCountIs('Custom::EcsSchedulerRuleRemoval', 2);
  });

  it('refuses rules of two clusters, and a scheduler whose rule the runner does not serve', () => {
    expect(() =>
      stackWith((stack, common) => new CronClusterRunner(stack, 'Mixed', { ...common, rules: [{ rule: REPORT, family: 'report' }, { rule: { ...CLEANUP, cluster: 'web' }, family: 'cleanup' }] })),
    ).toThrow('CronClusterRunner: rules must share one cluster, batch; not so for cleanup (web)');
    expect(() =>
      stackWith((stack, common) => {
        const runner = new CronClusterRunner(stack, 'Batch', { ...common, rules: [{ rule: REPORT, family: 'report' }] });
        new CronRuleScheduler(stack, 'Cleanup', { ...common, rule: CLEANUP, family: 'cleanup', runner });
      }),
    ).toThrow('CronRuleScheduler cleanup: the runner given does not serve this rule');
    expect(() => stackWith((stack, common) => new CronClusterRunner(stack, 'One', { ...common, rules: [{ rule: REPORT, family: 'report' }], maxConcurrency: 1 }))).toThrow(
      'maxConcurrency must be a whole number from 2 to 1000',
    );
  });
});
