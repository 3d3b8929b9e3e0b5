import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { CronRuleScheduler, overduePassInterval } from '../../infra/cron-rule.js';
import { RuleQueues } from '../../infra/rule-queues.js';
import { policyStatements } from '../support/policies.js';
import { RunLedgerTable } from '../../infra/run-ledger.js';
import type { CronRule } from '../../shared/rules/cron/rule.js';

function arn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}
const IN_CLUSTER = { ArnEquals: { 'ecs:cluster': arn(':ecs:us-east-1:123456789012:cluster/batch') } };

const RULE: CronRule = {
  name: 'nightly-report',
  cluster: 'batch',
  taskDefinition: 'report:3',
  schedule: 'cron(0 2 * * ? *)',
  timeZone: 'America/New_York',
  flexibleWindowMinutes: 10,
  startingDeadlineSeconds: 600,
  maxRunSeconds: 3600,
  passRoles: ['arn:aws:iam::123456789012:role/report-task'],
  retries: 2,
};

let template: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const ledger = new RunLedgerTable(stack, 'Ledger');
  new CronRuleScheduler(stack, 'Report', { rule: RULE, family: 'report', eventBus: EventBus.fromEventBusName(stack, 'Bus', 'ops'), ledger });
  template = Template.fromStack(stack);
});

describe('CronRuleScheduler', () => {
  it('schedules the slots with the expression, time zone and flexible window, into the FIFO queue grouped by rule', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportRunnerQueuesMessages'), 'Arn'] },
        // What fired the slot travels with it, so a deploy's update cannot make the handler refuse it.
        Input: '{"kind":"slot","rule":"nightly-report","slot":"<aws.scheduler.scheduled-time>","schedule":"cron(0 2 * * ? *)","timeZone":"America/New_York"}',
        SqsParameters: { MessageGroupId: 'nightly-report' },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportRunnerQueuesUndelivered'), 'Arn'] } },
        // Delivering a slot after its deadline (10 min window + 600 s) would only skip it.
        RetryPolicy: { MaximumEventAgeInSeconds: 1200, MaximumRetryAttempts: 10 },
      },
    });
  });

  it('runs the overdue pass at a tenth of the maximum run time', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(6 minutes)',
      Target: Match.objectLike({ Input: '{"kind":"overdue","rule":"nightly-report","at":"<aws.scheduler.scheduled-time>"}', SqsParameters: { MessageGroupId: 'nightly-report' } }),
    });
    expect([30, 600, 3600, 86_400].map((s) => overduePassInterval(s).toMinutes())).toEqual([1, 1, 6, 15]);
  });

  it('gives the function time for capacity retries until the deadline (at most the 15 minutes Lambda allows), in batches of a runner of its own', () => {
    // 10 min window + 600 s deadline + a minute is over Lambda's ceiling: 900 s.
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 900 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, ScalingConfig: { MaximumConcurrency: 2 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      // A failed message comes back after the function's timeout + 30 s, not 6 x: it holds up the rule's later slots meanwhile.
      VisibilityTimeout: 900 + 30,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportRunnerQueuesDeadLetters'), 'Arn'] }, maxReceiveCount: 3 },
    });
  });

  it('with a short deadline, a failed message is back a little after the function could have ended', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Short', { env: { account: '123456789012', region: 'us-east-1' } });
    const rule: CronRule = { name: 'hourly', cluster: 'batch', taskDefinition: 'report', schedule: 'cron(0 * * * ? *)', startingDeadlineSeconds: 120 };
    new CronRuleScheduler(stack, 'Hourly', { rule, family: 'report', eventBus: EventBus.fromEventBusName(stack, 'Bus', 'ops'), ledger: new RunLedgerTable(stack, 'Ledger') });
    const short = Template.fromStack(stack);
    // No retries, no retry pass: only the slots' schedule.
    short.resourceCountIs('AWS::Scheduler::Schedule', 1);
    // 120 s deadline + a minute of function time, + 30 s.
    short.hasResourceProperties('AWS::Lambda::Function', { Timeout: 180 });
    short.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, ContentBasedDeduplication: true, VisibilityTimeout: 210 });
  });

  it('RuleQueues refuses a visibility timeout shorter than the function timeout', () => {
    const stack = new Stack(new App(), 'Refused');
    expect(() => new RuleQueues(stack, 'Queues', { functionTimeout: Duration.seconds(300), visibilityTimeout: Duration.seconds(299) })).toThrow(
      /visibilityTimeout \(299 s\) is shorter than functionTimeout \(300 s\)/,
    );
  });

  it('grants the family in its cluster, its passRoles to ECS tasks, and the bus', () => {
    const statements = policyStatements(template);
    expect(statements).toContainEqual({
      Sid: 'StartFamily',
      Action: 'ecs:StartTask',
      Effect: 'Allow',
      Resource: arn(':ecs:us-east-1:123456789012:task-definition/report:*'),
      Condition: { ...IN_CLUSTER, StringEquals: { 'aws:RequestTag/ecs-schedulers:rule': 'cron/nightly-report' } },
    });
    expect(statements).toContainEqual({
      Sid: 'TagStartedTasks',
      Action: 'ecs:TagResource',
      Effect: 'Allow',
      Resource: arn(':ecs:us-east-1:123456789012:task/batch/*'),
      Condition: { StringEquals: { 'ecs:CreateAction': 'StartTask', 'aws:RequestTag/ecs-schedulers:rule': 'cron/nightly-report' } },
    });
    expect(statements).toContainEqual({
      Sid: 'PassTaskRoles',
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: 'arn:aws:iam::123456789012:role/report-task',
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(statements.filter((s) => s.Action === 'events:PutEvents')).toEqual([
      {
        Sid: 'PutResultEvents',
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: arn(':events:us-east-1:123456789012:event-bus/ops'),
        Condition: { 'ForAllValues:StringEquals': { 'events:source': ['ecs-schedulers'] }, Null: { 'events:source': 'false' } },
      },
    ]);
    // The schedule's role may only send to the queue and its dead-letter queue.
    const roleActions = statements.map((s) => s.Action).flat();
    expect(roleActions.filter((a) => typeof a === 'string' && a.startsWith('sqs:Send'))).toEqual(['sqs:SendMessage', 'sqs:SendMessage']);
  });

  it('keeps the run ledger in one on-demand table with point-in-time recovery, KMS encryption, TTL and the sparse retry index', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'retries',
            KeySchema: [
              { AttributeName: 'retryRule', KeyType: 'HASH' },
              { AttributeName: 'retryAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LEDGER_TABLE_NAME: { Ref: Match.stringLikeRegexp('^LedgerTable') } }) } });
  });

  it('lets the function read, claim and update only its own rule\'s ledger items: no delete, no scan', () => {
    const statements = policyStatements(template);
    const ledger = statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toEqual({
      Sid: 'RunLedgerOwnRule',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      Resource: [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^LedgerTable/), 'Arn'] }), { 'Fn::Join': ['', [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^LedgerTable/), 'Arn'] }), '/index/retries']] }],
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['cron#nightly-report'] } },
    });
  });

  it('sends every stopped copy of the rule, by startedBy prefix, to the rule\'s message group', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { clusterArn: [arn(':ecs:us-east-1:123456789012:cluster/batch')], startedBy: [{ prefix: 'cron/nightly-report/' }], lastStatus: ['STOPPED'] },
      },
      Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: 'nightly-report' }, DeadLetterConfig: Match.anyValue() })],
    });
  });

  it('runs the retry pass every minute for a rule with retries', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({ Input: '{"kind":"retries","rule":"nightly-report","at":"<aws.scheduler.scheduled-time>"}', SqsParameters: { MessageGroupId: 'nightly-report' } }),
    });
  });
});

describe('CronRuleScheduler: StopTask', () => {
  const BASE: CronRule = { name: 'hourly', cluster: 'batch', taskDefinition: 'report', schedule: 'cron(0 * * * ? *)' };
  function stopStatements(rule: CronRule): unknown[] {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Stops', { env: { account: '123456789012', region: 'us-east-1' } });
    new CronRuleScheduler(stack, 'Hourly', { rule, family: 'report', eventBus: EventBus.fromEventBusName(stack, 'Bus', 'ops'), ledger: new RunLedgerTable(stack, 'Ledger') });
    return policyStatements(Template.fromStack(stack)).filter((statement) => JSON.stringify(statement.Action).includes('ecs:StopTask'));
  }
  const OWN_COPIES = {
    Sid: 'StopOwnCopies',
    Action: 'ecs:StopTask',
    Effect: 'Allow',
    Resource: arn(':ecs:us-east-1:123456789012:task/batch/*'),
    Condition: { ...IN_CLUSTER, StringEquals: { 'aws:ResourceTag/ecs-schedulers:rule': 'cron/hourly' } },
  };

  it.each<[string, Partial<CronRule>]>([
    ['Replace, which stops the run a new slot replaces', { overlapPolicy: 'Replace' }],
    ['maxRunSeconds, which stops a run past it', { maxRunSeconds: 600 }],
    ['Forbid (the default), which stops only copies found above a slot\'s count', {}],
    ['Allow, which stops only copies found above a slot\'s count', { overlapPolicy: 'Allow' }],
  ])('a rule with %s may stop only tasks tagged with its own rule', (_, fields) => {
    expect(stopStatements({ ...BASE, ...fields })).toEqual([OWN_COPIES]);
  });
});

describe('CronRuleScheduler for a rule ECS places (Fargate)', () => {
  it('grants RunTask of the family in its cluster with the rule tag, tagging only as part of RunTask, PassRole for the rule\'s roles, no StartTask and no ec2:*', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Fargate', { env: { account: '123456789012', region: 'us-east-1' } });
    const rule: CronRule = {
      name: 'nightly-report',
      cluster: 'batch',
      taskDefinition: 'report',
      schedule: 'cron(0 2 * * ? *)',
      launch: { type: 'fargate', subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] },
      passRoles: ['arn:aws:iam::123456789012:role/report-task', 'arn:aws:iam::123456789012:role/report-execution'],
    };
    new CronRuleScheduler(stack, 'Report', { rule, family: 'report', eventBus: EventBus.fromEventBusName(stack, 'Bus', 'ops'), ledger: new RunLedgerTable(stack, 'Ledger') });
    const statements = policyStatements(Template.fromStack(stack));
    expect(statements).toContainEqual({
      Sid: 'RunFamily',
      Action: 'ecs:RunTask',
      Effect: 'Allow',
      Resource: arn(':ecs:us-east-1:123456789012:task-definition/report:*'),
      Condition: { ...IN_CLUSTER, StringEquals: { 'aws:RequestTag/ecs-schedulers:rule': 'cron/nightly-report' } },
    });
    expect(statements).toContainEqual({
      Sid: 'TagStartedTasks',
      Action: 'ecs:TagResource',
      Effect: 'Allow',
      Resource: arn(':ecs:us-east-1:123456789012:task/batch/*'),
      Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask', 'aws:RequestTag/ecs-schedulers:rule': 'cron/nightly-report' } },
    });
    expect(statements).toContainEqual({
      Sid: 'PassTaskRoles',
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: ['arn:aws:iam::123456789012:role/report-task', 'arn:aws:iam::123456789012:role/report-execution'],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(statements).toContainEqual({
      Sid: 'ReadCapacityProviders',
      Action: 'ecs:DescribeCapacityProviders',
      Effect: 'Allow',
      Resource: arn(':ecs:us-east-1:123456789012:capacity-provider/*'),
    });
    const actions = statements.flatMap((s) => s.Action as string | string[]);
    expect(actions).not.toContain('ecs:StartTask');
    expect(actions.filter((a) => a.startsWith('ec2:') || a === '*')).toEqual([]);
  });
});
