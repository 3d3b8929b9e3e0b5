import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { SchedulersStack } from '../../infra/stack.js';
import config from '../../scheduler.config.js';
import { loadConfig } from '../../shared/config/index.js';
import { runnerRules } from './runner-rules.js';

const ENV = { account: '123456789012', region: 'us-east-1' };

function appWithNag(): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return app;
}

describe('the app (example config)', () => {
  it('synthesizes with cdk-nag AwsSolutions and Serverless checks and no unacknowledged finding', () => {
    const app = appWithNag();
    new SchedulersStack(app, 'EcsSchedulers', { config: loadConfig(config), env: ENV });
    expect(() => app.synth()).not.toThrow();
  });

  it('cdk-nag does stop synth on a finding nobody acknowledged', () => {
    const app = appWithNag();
    const stack = new Stack(app, 'Careless', { env: ENV });
    new Queue(stack, 'Plain');
    expect(() => app.synth()).toThrow();
  });

  it('synthesizes offline without an account or Region', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SchedulersStack(app, 'Agnostic', { config: loadConfig(config) });
    const template = Template.fromStack(stack);
    // The daemon rule's function, the cron runner's of cluster prod (both cron rules), and the removal provider's 5 (our 2 handlers, 3 of CDK's provider framework).
    template.resourceCountIs('AWS::Lambda::Function', 7);
  });

  it('deploys one scheduler per configured rule, with alarms, a topic and a dashboard', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const template = Template.fromStack(new SchedulersStack(app, 'EcsSchedulers', { config: loadConfig(config), env: ENV }));
    // 1 daemon rule + 1 cron runner for prod's 2 cron rules, and the stack's one removal provider (2 handlers, 3 of CDK's framework).
    template.resourceCountIs('AWS::Lambda::Function', 7);
    template.resourceCountIs('Custom::EcsSchedulerRuleRemoval', 3);
    // Two slot schedules, one overdue pass (nightly-report has maxRunSeconds), one retry pass (cache-warmer has retries).
    template.resourceCountIs('AWS::Scheduler::Schedule', 4);
    // The daemon's instance events, stopped copies and sweep; each cron rule's stopped copies.
    template.resourceCountIs('AWS::Events::Rule', 5);
    template.resourceCountIs('AWS::DynamoDB::Table', 1); // one run ledger for the stack
    template.resourceCountIs('AWS::SQS::Queue', 6); // for the daemon rule and for the cron runner: trigger queue, DLQ, undelivered
    // Two dead-letter alarms each for the daemon rule and the cron runner, one placement alarm per rule, and a rejected-message alarm per cron rule.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 11); // and one on failed runs per cron rule (alarmOnFailure defaults to true)
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // The topic, its key and their policies: alarm-topic.test.ts.
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FailedToPlace',
      Namespace: 'EcsSchedulers',
      Dimensions: [
        { Name: 'Kind', Value: 'daemon' },
        { Name: 'Rule', Value: 'node-exporter' },
        { Name: 'service', Value: 'ecs-schedulers' },
      ],
      Threshold: 1,
      EvaluationPeriods: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RunsFailed', Statistic: 'Sum', Threshold: 1, Dimensions: [{ Name: 'Kind', Value: 'cron' }, { Name: 'Rule', Value: 'cache-warmer' }, { Name: 'service', Value: 'ecs-schedulers' }] });
    template.hasOutput('RunLedgerTable', { Value: { Ref: Match.stringLikeRegexp('^RunLedgerTable') } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SlotsFailed', Dimensions: [{ Name: 'Kind', Value: 'cron' }, { Name: 'Rule', Value: 'nightly-report' }, { Name: 'service', Value: 'ecs-schedulers' }] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'MessagesRejected', Statistic: 'Sum', Threshold: 1, Dimensions: [{ Name: 'Kind', Value: 'cron' }, { Name: 'Rule', Value: 'cache-warmer' }, { Name: 'service', Value: 'ecs-schedulers' }] });
    // The names README gives: the prefix and the rule's letters and digits only.
    template.hasOutput('CronQueuenightlyreport', {});
    template.hasOutput('CronQueuecachewarmer', {});
    template.hasOutput('DaemonQueuenodeexporter', {});
  });

  it('names a cluster configured in another Region', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const elsewhere = loadConfig({ ...config, clusters: { prod: { arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod-eu' } } });
    expect(() => new SchedulersStack(app, 'Wrong', { config: elsewhere, env: ENV })).toThrow(
      'Cluster "prod" (arn:aws:ecs:eu-west-1:123456789012:cluster/prod-eu) is in Region eu-west-1, but this stack deploys to us-east-1: deploy the schedulers where the cluster is',
    );
  });

  it('names a cluster configured in another account', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const elsewhere = loadConfig({ ...config, clusters: { prod: { arn: 'arn:aws:ecs:us-east-1:210987654321:cluster/prod' } } });
    expect(() => new SchedulersStack(app, 'Wrong', { config: elsewhere, env: ENV })).toThrow(
      'Cluster "prod" (arn:aws:ecs:us-east-1:210987654321:cluster/prod) is in account 210987654321, but this stack deploys to 123456789012: deploy the schedulers where the cluster is',
    );
  });

  it('gives the functions the ECS name of a cluster configured by ARN', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const renamed = loadConfig({ ...config, clusters: { prod: { arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod-real' } } });
    const template = Template.fromStack(new SchedulersStack(app, 'Renamed', { config: renamed, env: ENV }));
    const daemons = Object.values(template.findResources('AWS::Lambda::Function')).flatMap((fn) => {
      const variables = (fn as { Properties: { Environment?: { Variables: Record<string, string> } } }).Properties.Environment?.Variables ?? {};
      return variables.DAEMON_RULE === undefined ? [] : [JSON.parse(variables.DAEMON_RULE) as { cluster: string }];
    });
    const crons = runnerRules(app, template).flatMap((runner) => runner.rules as Array<{ cluster: string }>);
    const rules = [...crons, ...daemons];
    expect(rules.map((rule) => rule.cluster)).toEqual(['prod-real', 'prod-real', 'prod-real']);
  });
});
