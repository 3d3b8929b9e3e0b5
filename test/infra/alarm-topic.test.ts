import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchedulersStack } from '../../infra/stack.js';
import config from '../../scheduler.config.js';
import { loadConfig } from '../../shared/config/index.js';

const ENV = { account: '123456789012', region: 'us-east-1' };
const THIS_STACKS_ALARMS = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:EcsSchedulers/*']] };
const FROM_THIS_STACKS_ALARMS = { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': THIS_STACKS_ALARMS } };
const OWN_TOPIC = 'arn:aws:sns:us-east-1:123456789012:on-call';

function synth(props: { alarmTopicArn?: string; ownTopic?: boolean } = {}): Template {
  // The imported topic's stack is empty, which CloudFormation's built-in validation warns about.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new SchedulersStack(app, 'EcsSchedulers', {
    config: loadConfig({ ...config, ...(props.alarmTopicArn && { alarmTopicArn: props.alarmTopicArn }) }),
    env: ENV,
    ...(props.ownTopic && { alarmTopic: Topic.fromTopicArn(new Stack(app, 'Shared', { env: ENV }), 'OnCall', OWN_TOPIC) }),
  });
  return Template.fromStack(stack);
}

function logicalId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

describe('the alarm topic', () => {
  let template: Template;
  beforeAll(() => {
    template = synth();
  });

  it('is the topic earlier versions made (same logical id), so an upgrade keeps it and its subscriptions', () => {
    expect(logicalId(template, 'AWS::SNS::Topic')).toBe('OperationsAlarms65F99440');
  });

  it('is encrypted with a customer-managed key of its own, rotated', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('key policy: the account administers the key; CloudWatch may use it only for this account\'s alarms of this stack', () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: unknown[] } } };
    expect(key.Properties.KeyPolicy.Statement).toEqual([
      { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] } }, Resource: '*' },
      {
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Resource: '*',
        Condition: FROM_THIS_STACKS_ALARMS,
      },
    ]);
  });

  it('topic policy: publishing without TLS is denied; CloudWatch may publish for this account\'s alarms of this stack', () => {
    const topic = { Ref: logicalId(template, 'AWS::SNS::Topic') };
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0] as { Properties: { PolicyDocument: { Statement: unknown[] }; Topics: unknown[] } };
    expect(policy.Properties.Topics).toEqual([topic]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'AllowPublishThroughSSLOnly', Action: 'sns:Publish', Effect: 'Deny', Principal: '*', Resource: topic, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: '1', Action: 'sns:Publish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Resource: topic, Condition: FROM_THIS_STACKS_ALARMS },
    ]);
  });

  it('every alarm is named under the stack\'s prefix, which the policies allow, and notifies the topic', () => {
    const topic = { Ref: logicalId(template, 'AWS::SNS::Topic') };
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: { AlarmName: string; AlarmActions: unknown[] } }>;
    expect(alarms).toHaveLength(11);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmName).toMatch(/^EcsSchedulers\/Operations\/(daemon|cron)-[a-z-]+-[A-Za-z-]+$/);
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
    }
    expect(alarms.map((alarm) => alarm.Properties.AlarmName)).toContain('EcsSchedulers/Operations/cron-runner-prod-undelivered-slots');
  });
});

describe('a topic of your own', () => {
  it.each([
    ['from the config (alarmTopicArn)', { alarmTopicArn: OWN_TOPIC }],
    ['from the construct prop (alarmTopic)', { ownTopic: true }],
  ])('%s receives every alarm, and the stack makes no topic or key of its own', (_, props) => {
    const template = synth(props);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [OWN_TOPIC] });
    template.hasOutput('AlarmTopic', { Value: OWN_TOPIC });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('^EcsSchedulers/') });
  });
});
