import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { DaemonRuleScheduler } from '../../infra/daemon-rule.js';

/** An ARN as the template spells it: the partition stays a reference, the rest is literal. */
function arn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}
const CLUSTER = arn(':ecs:us-east-1:123456789012:cluster/prod');
const IN_CLUSTER = { ArnEquals: { 'ecs:cluster': CLUSTER } };
const OWN_SOURCE = { 'ForAllValues:StringEquals': { 'events:source': ['ecs-schedulers'] }, Null: { 'events:source': 'false' } };

let template: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  new DaemonRuleScheduler(stack, 'Exporter', {
    rule: { name: 'exporter', cluster: 'prod', taskDefinition: 'node-exporter:7', constraint: 'attribute:stack == prod', sweepIntervalMinutes: 3 },
    family: 'node-exporter',
    passRoleArns: ['arn:aws:iam::123456789012:role/exporter-task'],
    eventBus: EventBus.fromEventBusName(stack, 'Bus', 'ops'),
  });
  template = Template.fromStack(stack);
});

describe('DaemonRuleScheduler', () => {
  it('feeds one FIFO queue, grouped by cluster, from instance events, stopped copies and a sweep', () => {
    template.resourceCountIs('AWS::Events::Rule', 3);
    const target = {
      Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExporterQueuesMessages'), 'Arn'] },
      SqsParameters: { MessageGroupId: CLUSTER },
      // Events EventBridge cannot deliver are kept, not lost.
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExporterQueuesUndelivered'), 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
    };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ecs'], 'detail-type': ['ECS Container Instance State Change'], detail: { clusterArn: [CLUSTER] } },
      Targets: [Match.objectLike(target)],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { clusterArn: [CLUSTER], startedBy: ['daemon/exporter'], lastStatus: ['RUNNING', 'STOPPED'] },
      },
      Targets: [Match.objectLike(target)],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(3 minutes)',
      Targets: [
        Match.objectLike({ ...target, InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: '{"kind":"sweep","rule":"exporter","at":<time>}' } }),
      ],
    });
  });

  it('queues are FIFO, encrypted, TLS-only, deduplicated by content, with a dead-letter queue after 3 receives', () => {
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExporterQueuesDeadLetters'), 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: Match.absent(), MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    template.resourceCountIs('AWS::SQS::QueuePolicy', 3);
    template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('runs the handler on Node.js 24, arm64, with the rule in its environment, 10 messages a batch', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 60,
      Environment: {
        Variables: Match.objectLike({
          DAEMON_RULE: JSON.stringify({ name: 'exporter', cluster: 'prod', taskDefinition: 'node-exporter:7', constraint: 'attribute:stack == prod', sweepIntervalMinutes: 3 }),
          EVENT_BUS_NAME: 'ops',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({}), ManagedPolicyArns: Match.absent() });
  });

  it('grants exactly the least the rule needs, statement by statement', () => {
    // The reconcile function's own policies (the removal's are tested in rule-removal.test.ts).
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('ExporterReconcile')).map(([, policy]) => policy);
    const statements = policies.flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      // Its own log group only: no AWSLambdaBasicExecutionRole, which reaches every log group.
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ExporterReconcileLogs/), 'Arn'] } },
      {
        Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ExporterQueuesMessages/), 'Arn'] },
      },
      // Only the suite's own source, for every entry of a call, on the results bus.
      { Sid: 'PutResultEvents', Action: 'events:PutEvents', Effect: 'Allow', Resource: arn(':events:us-east-1:123456789012:event-bus/ops'), Condition: OWN_SOURCE },
      { Sid: 'ReadCluster', Action: ['ecs:DescribeClusters', 'ecs:ListContainerInstances'], Effect: 'Allow', Resource: CLUSTER },
      { Sid: 'ReadInstances', Action: 'ecs:DescribeContainerInstances', Effect: 'Allow', Resource: arn(':ecs:us-east-1:123456789012:container-instance/prod/*'), Condition: IN_CLUSTER },
      { Sid: 'ReadCapacityProviders', Action: 'ecs:DescribeCapacityProviders', Effect: 'Allow', Resource: arn(':ecs:us-east-1:123456789012:capacity-provider/*') },
      { Sid: 'ListTasks', Action: 'ecs:ListTasks', Effect: 'Allow', Resource: '*', Condition: IN_CLUSTER },
      { Sid: 'ReadTasks', Action: 'ecs:DescribeTasks', Effect: 'Allow', Resource: arn(':ecs:us-east-1:123456789012:task/prod/*'), Condition: IN_CLUSTER },
      { Sid: 'ReadTaskDefinitions', Action: 'ecs:DescribeTaskDefinition', Effect: 'Allow', Resource: '*' },
      // Every start must carry the rule tag naming this rule...
      {
        Sid: 'StartFamily',
        Action: 'ecs:StartTask',
        Effect: 'Allow',
        Resource: arn(':ecs:us-east-1:123456789012:task-definition/node-exporter:*'),
        Condition: { ...IN_CLUSTER, StringEquals: { 'aws:RequestTag/ecs-schedulers:rule': 'daemon/exporter' } },
      },
      {
        Sid: 'TagStartedTasks',
        Action: 'ecs:TagResource',
        Effect: 'Allow',
        Resource: arn(':ecs:us-east-1:123456789012:task/prod/*'),
        Condition: { StringEquals: { 'ecs:CreateAction': 'StartTask', 'aws:RequestTag/ecs-schedulers:rule': 'daemon/exporter' } },
      },
      // ...and only tasks whose tag names this rule may be stopped: not services, not other rules' copies.
      {
        Sid: 'StopOwnCopies',
        Action: 'ecs:StopTask',
        Effect: 'Allow',
        Resource: arn(':ecs:us-east-1:123456789012:task/prod/*'),
        Condition: { ...IN_CLUSTER, StringEquals: { 'aws:ResourceTag/ecs-schedulers:rule': 'daemon/exporter' } },
      },
      {
        Sid: 'PassTaskRoles',
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: 'arn:aws:iam::123456789012:role/exporter-task',
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
  });
});
