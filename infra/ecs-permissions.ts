import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { RULE_TAG_KEY } from '../shared/rules/rule-tag.js';

export interface EcsAccess {
  /** Cluster name the rules work on. */
  cluster: string;
  /**
   * Task definition families the rules start on instances they picked, with StartTask (one
   * function may serve several rules: a cluster's cron rules).
   */
  families: readonly string[];
  /** Roles the task definitions name (task role, execution role), which StartTask passes on. */
  passRoleArns: readonly string[];
  /**
   * Families of the rules whose copies ECS places (Fargate, capacity providers): RunTask, not
   * StartTask, for those. RunTask in awsvpc needs no ec2:* on the caller's side: ECS creates the
   * ENI with its service-linked role.
   */
  runFamilies?: readonly string[];
  /** The values of the rule tag (RULE_TAG_KEY) on every task the rules start: `daemon/<name>` or `cron/<name>`, one per rule. */
  ruleTags: readonly string[];
}

export function clusterArn(scope: Construct, cluster: string): string {
  return Stack.of(scope).formatArn({ service: 'ecs', resource: 'cluster', resourceName: cluster });
}

/**
 * The least the rules of one function need from ECS, statement by statement: reads conditioned
 * to their cluster, StartTask (RunTask, for rules whose copies ECS places) only for their
 * families, only in their cluster and only with one of their rule tags; tagging only as part of
 * that call and only with one of their rule tags;
 * StopTask only on tasks of their cluster whose rule tag names one of them; PassRole only for
 * their task definitions' roles and only to ECS tasks. A function that serves several rules (a
 * cluster's cron runner) holds the union, its families and its tags listed independently: it may
 * start any of its rules' families under any of its rules' tags, but nothing outside the rules it
 * serves.
 */
export function grantEcsAccess(scope: Construct, grantee: IGrantable, access: EcsAccess): void {
  const stack = Stack.of(scope);
  const cluster = clusterArn(scope, access.cluster);
  const inCluster = { ArnEquals: { 'ecs:cluster': cluster } };
  const starts = { StartTask: [...new Set(access.families)], RunTask: [...new Set(access.runFamilies ?? [])] };
  const startActions = (['StartTask', 'RunTask'] as const).filter((action) => starts[action].length > 0);
  // One tag as a string, several as a list (any of them), as IAM reads a condition's values.
  const ruleTags = access.ruleTags.length === 1 ? access.ruleTags[0]! : [...access.ruleTags];
  const requestsRuleTag = { [`aws:RequestTag/${RULE_TAG_KEY}`]: ruleTags };
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'ecs', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const tasks = arn('task', `${access.cluster}/*`);
  const instances = arn('container-instance', `${access.cluster}/*`);

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
    ...startActions.map(
      (action) =>
        new PolicyStatement({
          sid: action === 'StartTask' ? 'StartFamily' : 'RunFamily',
          actions: [`ecs:${action}`],
          resources: starts[action].map((family) => stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*` })),
          conditions: { ...inCluster, StringEquals: requestsRuleTag },
        }),
    ),
    // Tags given to StartTask or RunTask are written by ecs:TagResource, allowed only as part of
    // that call and only with the rule tag, so the function cannot tag a task as another rule's.
    new PolicyStatement({
      sid: 'TagStartedTasks',
      actions: ['ecs:TagResource'],
      resources: [tasks],
      conditions: { StringEquals: { 'ecs:CreateAction': startActions.length === 1 ? startActions[0]! : startActions, ...requestsRuleTag } },
    }),
    // Its own copies only: services and other rules' or teams' tasks in the cluster carry no such tag.
    new PolicyStatement({
      sid: 'StopOwnCopies',
      actions: ['ecs:StopTask'],
      resources: [tasks],
      conditions: { ...inCluster, StringEquals: { [`aws:ResourceTag/${RULE_TAG_KEY}`]: ruleTags } },
    }),
  ];
  if (access.passRoleArns.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'PassTaskRoles',
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [...new Set(access.passRoleArns)],
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
  wildcard(nagArn(stack, `task/${access.cluster}/*`), 'Tasks of the rule\'s cluster only (also conditioned on ecs:cluster), whose ids ECS assigns at start: DescribeTasks reads them; TagResource only while StartTask or RunTask creates them, with the rule tag; StopTask only those whose rule tag names this rule.');
  for (const action of startActions) {
    for (const family of starts[action]) {
      wildcard(nagArn(stack, `task-definition/${family}:*`), `Every revision of a served rule's own family, so a rollout to a new revision needs no redeploy; ${action} is also conditioned to the cluster.`);
    }
  }
}

/** An ECS ARN as cdk-nag prints it in a finding's id: unresolved parts as <AWS::...>. */
export function nagArn(stack: Stack, resource: string): string {
  const part = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `arn:<AWS::Partition>:ecs:${part(stack.region, 'Region')}:${part(stack.account, 'AccountId')}:${resource}`;
}
