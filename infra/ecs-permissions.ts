import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { RULE_TAG_KEY } from '../shared/rules/rule-tag.js';

export interface EcsAccess {
  /** Cluster name the rule works on. */
  cluster: string;
  /** Task definition family the rule starts. */
  family: string;
  /** Roles the task definition names (task role, execution role), which StartTask passes on. */
  passRoleArns: readonly string[];
  /** The value of the rule tag (RULE_TAG_KEY) on every task the rule starts: `daemon/<name>` or `cron/<name>`. */
  ruleTag: string;
  /**
   * How the rule starts tasks: StartTask on instances it picked (default), or RunTask when ECS
   * places them (Fargate, capacity providers). Only that action is granted. RunTask in awsvpc
   * needs no ec2:* on the caller's side: ECS creates the ENI with its service-linked role.
   */
  startAction?: 'StartTask' | 'RunTask';
}

export function clusterArn(scope: Construct, cluster: string): string {
  return Stack.of(scope).formatArn({ service: 'ecs', resource: 'cluster', resourceName: cluster });
}

/**
 * The least a rule needs from ECS, statement by statement: reads conditioned to its cluster,
 * StartTask only for its family, only in its cluster and only with its rule tag; tagging only as
 * part of StartTask and only with its rule tag; StopTask only on tasks of its cluster whose rule
 * tag names its rule; PassRole only for its task definition's
 * roles and only to ECS tasks.
 */
export function grantEcsAccess(scope: Construct, grantee: IGrantable, access: EcsAccess): void {
  const stack = Stack.of(scope);
  const cluster = clusterArn(scope, access.cluster);
  const inCluster = { ArnEquals: { 'ecs:cluster': cluster } };
  const requestsRuleTag = { [`aws:RequestTag/${RULE_TAG_KEY}`]: access.ruleTag };
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'ecs', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const tasks = arn('task', `${access.cluster}/*`);
  const instances = arn('container-instance', `${access.cluster}/*`);
  const startAction = access.startAction ?? 'StartTask';

  const statements = [
    new PolicyStatement({ sid: 'ReadCluster', actions: ['ecs:DescribeClusters', 'ecs:ListContainerInstances'], resources: [cluster] }),
    new PolicyStatement({ sid: 'ReadInstances', actions: ['ecs:DescribeContainerInstances'], resources: [instances], conditions: inCluster }),
    // The Auto Scaling group behind the capacity providers that launched the cluster's instances.
    new PolicyStatement({ sid: 'ReadCapacityProviders', actions: ['ecs:DescribeCapacityProviders'], resources: [arn('capacity-provider', '*')] }),
    // ListTasks is authorized against the cluster condition; without a containerInstance filter
    // there is no instance ARN to name.
    new PolicyStatement({ sid: 'ListTasks', actions: ['ecs:ListTasks'], resources: ['*'], conditions: inCluster }),
    new PolicyStatement({ sid: 'ReadTasks', actions: ['ecs:DescribeTasks'], resources: [tasks], conditions: inCluster }),
    // DescribeTaskDefinition supports no resource-level permissions.
    new PolicyStatement({ sid: 'ReadTaskDefinitions', actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
    new PolicyStatement({
      sid: startAction === 'StartTask' ? 'StartFamily' : 'RunFamily',
      actions: [`ecs:${startAction}`],
      resources: [stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${access.family}:*` })],
      conditions: { ...inCluster, StringEquals: requestsRuleTag },
    }),
    // Tags given to StartTask or RunTask are written by ecs:TagResource, allowed only as part of
    // that call and only with the rule tag, so the function cannot tag a task as another rule's.
    new PolicyStatement({
      sid: 'TagStartedTasks',
      actions: ['ecs:TagResource'],
      resources: [tasks],
      conditions: { StringEquals: { 'ecs:CreateAction': startAction, ...requestsRuleTag } },
    }),
    // Its own copies only: services and other rules' or teams' tasks in the cluster carry no such tag.
    new PolicyStatement({
      sid: 'StopOwnCopies',
      actions: ['ecs:StopTask'],
      resources: [tasks],
      conditions: { ...inCluster, StringEquals: { [`aws:ResourceTag/${RULE_TAG_KEY}`]: access.ruleTag } },
    }),
  ];
  if (access.passRoleArns.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'PassTaskRoles',
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [...access.passRoleArns],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
  }
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);

  // cdk-nag flags every wildcard; each one here is the narrowest ECS allows.
  const wildcard = (resource: string, reason: string) =>
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  wildcard('*', 'ecs:ListTasks is conditioned to the cluster (a ListTasks without an instance filter names no instance ARN), and ecs:DescribeTaskDefinition supports no resource-level permissions.');
  wildcard(nagArn(stack, 'capacity-provider/*'), 'Capacity providers are named by the instances ECS reports, not known at synth; DescribeCapacityProviders only reads them.');
  wildcard(nagArn(stack, `container-instance/${access.cluster}/*`), 'Any container instance of the rule\'s cluster, and only there (also conditioned on ecs:cluster): a daemon covers them all.');
  wildcard(nagArn(stack, `task/${access.cluster}/*`), 'Tasks of the rule\'s cluster only (also conditioned on ecs:cluster), whose ids ECS assigns at start: DescribeTasks reads them; TagResource only while StartTask creates them, with the rule tag; StopTask only those whose rule tag names this rule.');
  wildcard(nagArn(stack, `task-definition/${access.family}:*`), `Every revision of the rule's own family, so a rollout to a new revision needs no redeploy; ${startAction} is also conditioned to the cluster.`);
}

/** An ECS ARN as cdk-nag prints it in a finding's id: unresolved parts as <AWS::...>. */
export function nagArn(stack: Stack, resource: string): string {
  const part = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `arn:<AWS::Partition>:ecs:${part(stack.region, 'Region')}:${part(stack.account, 'AccountId')}:${resource}`;
}
