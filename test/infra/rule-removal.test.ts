import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RuleRemoval } from '../../infra/rule-removal.js';
import { policyStatements } from '../support/policies.js';

const ENV = { account: '123456789012', region: 'us-east-1' };
const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
const IN_CLUSTER = { ArnEquals: { 'ecs:cluster': arn(':ecs:us-east-1:123456789012:cluster/prod') } };

function synth(build: (stack: Stack) => void): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: ENV });
  build(stack);
  return Template.fromStack(stack);
}

describe('RuleRemoval', () => {
  const terms = { kind: 'daemon' as const, rule: 'exporter', cluster: 'prod', maxUnavailable: '25%' as const };

  it('is a custom resource carrying the terms, deleted or kept as its RemovalPolicy says', () => {
    const template = synth((stack) => {
      new RuleRemoval(stack, 'Destroyed', { terms, removalPolicy: RemovalPolicy.DESTROY });
      new RuleRemoval(stack, 'Retained', { terms: { ...terms, rule: 'kept' }, removalPolicy: RemovalPolicy.RETAIN });
    });
    template.hasResource('Custom::EcsSchedulerRuleRemoval', { DeletionPolicy: 'Delete', Properties: { Terms: JSON.stringify(terms) } });
    template.hasResource('Custom::EcsSchedulerRuleRemoval', { DeletionPolicy: 'Retain', Properties: { Terms: JSON.stringify({ ...terms, rule: 'kept' }) } });
  });

  it.each([
    ['a retained rule, whose copies are kept', { terms, removalPolicy: RemovalPolicy.RETAIN }],
    ['a cron rule whose runs are left to finish', { terms: { kind: 'cron' as const, rule: 'nightly', cluster: 'prod', family: 'nightly', stopRuns: false }, removalPolicy: RemovalPolicy.DESTROY }],
  ])('gives %s no StopTask at all', (_, props) => {
    const template = synth((stack) => new RuleRemoval(stack, 'Rule', props));
    const statements = policyStatements(template);
    expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('ecs:StopTask'))).toEqual([]);
  });

  it('shares one provider per stack, and each rule brings only its own cluster access, which its resource outlives', () => {
    const template = synth((stack) => {
      new RuleRemoval(stack, 'One', { terms, removalPolicy: RemovalPolicy.DESTROY });
      new RuleRemoval(stack, 'Two', { terms: { ...terms, rule: 'other' }, removalPolicy: RemovalPolicy.DESTROY });
    });
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const access = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('OneClusterAccess'));
    expect(access).toHaveLength(1);
    const [accessId, policy] = access[0]!;
    expect((policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement).toEqual([
      { Action: 'ecs:ListTasks', Effect: 'Allow', Resource: '*', Condition: IN_CLUSTER },
      { Action: 'ecs:DescribeTasks', Effect: 'Allow', Resource: arn(':ecs:us-east-1:123456789012:task/prod/*'), Condition: IN_CLUSTER },
      // Only the rule's own copies, by their rule tag, as for the rule's function.
      {
        Action: 'ecs:StopTask',
        Effect: 'Allow',
        Resource: arn(':ecs:us-east-1:123456789012:task/prod/*'),
        Condition: { ...IN_CLUSTER, StringEquals: { 'aws:ResourceTag/ecs-schedulers:rule': 'daemon/exporter' } },
      },
    ]);
    // CloudFormation deletes the resource (stopping the copies) before the access it depends on.
    template.hasResource('Custom::EcsSchedulerRuleRemoval', { DependsOn: Match.arrayWith([accessId]), Properties: { Terms: JSON.stringify(terms) } });
  });
});
