import { CustomResource, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { TERMS_PROPERTY } from '../shared/handlers/removal/terms.js';
import { removalBatch, type RemovalTerms } from '../shared/rules/removal.js';
import { RULE_TAG_KEY, ruleTagValue } from '../shared/rules/rule-tag.js';
import { functionCode } from './function-code.js';
import { clusterArn, nagArn } from './ecs-permissions.js';

const PROVIDER_ID = 'RuleRemovalProvider';

export interface RuleRemovalProps {
  terms: RemovalTerms;
  /**
   * DESTROY: when the rule leaves the stack (or the stack is deleted), its copies are handled as
   * `terms` say (a daemon's stopped at its maxUnavailable pace). RETAIN: CloudFormation never
   * tells us, and the copies keep running (`ecs-sched plan` lists them as orphaned).
   */
  removalPolicy: RemovalPolicy;
}

/**
 * A rule's copies when the rule leaves the stack: a custom resource whose deletion stops them,
 * through the stack's one removal provider. Its physical id never changes (see lambdas/removal.ts),
 * so only the rule's removal deletes it; changing the policy or the terms is an update. The
 * access to the rule's cluster is a policy of this construct that the resource depends on, so
 * CloudFormation deletes the resource (and stops the copies) before it takes that access away.
 */
export class RuleRemoval extends Construct {
  constructor(scope: Construct, id: string, props: RuleRemovalProps) {
    super(scope, id);
    const provider = RemovalProvider.of(this);
    const { cluster } = props.terms;
    const inCluster = { ArnEquals: { 'ecs:cluster': clusterArn(this, cluster) } };
    const tasks = Stack.of(this).formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster}/*` });
    // Stops only where the removal may stop something, and only the rule's own copies (its tag), as
    // the rule's function itself; reading is what a removal that stops nothing still does.
    const stops = props.removalPolicy === RemovalPolicy.DESTROY && removalBatch(props.terms, 1) > 0;
    const ownCopies = { ...inCluster, StringEquals: { [`aws:ResourceTag/${RULE_TAG_KEY}`]: ruleTagValue(props.terms.kind, props.terms.rule) } };
    const access = new Policy(this, 'ClusterAccess', {
      statements: [
        new PolicyStatement({ actions: ['ecs:ListTasks'], resources: ['*'], conditions: inCluster }),
        new PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [tasks], conditions: inCluster }),
        ...(stops ? [new PolicyStatement({ actions: ['ecs:StopTask'], resources: [tasks], conditions: ownCopies })] : []),
      ],
    });
    access.attachToRole(provider.role);
    Validations.of(access).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ecs:ListTasks is conditioned to the rule\'s cluster; a ListTasks without an instance filter names no task ARN.' },
      { id: `AwsSolutions-IAM5[Resource::${nagArn(Stack.of(this), `task/${cluster}/*`)}]`, reason: 'The rule\'s copies in its cluster, whose ids ECS assigned when they started (also conditioned on ecs:cluster).' },
    );
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::EcsSchedulerRuleRemoval',
      properties: { [TERMS_PROPERTY]: JSON.stringify(props.terms) },
      removalPolicy: props.removalPolicy,
    });
    resource.node.addDependency(access);
  }
}

/**
 * One provider per stack for every rule's removal: two small functions (no sql.js) and the CDK
 * provider framework, whose waiter asks isComplete every 30 s for up to two hours.
 */
class RemovalProvider extends Construct {
  readonly role: IRole;
  readonly serviceToken: string;

  static of(scope: Construct): RemovalProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as RemovalProvider | undefined) ?? new RemovalProvider(stack, PROVIDER_ID);
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(this, 'HandlerRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const handler = (name: 'onEvent' | 'isComplete') =>
      new LambdaFunction(this, name, {
        role,
        code: functionCode('removal.ts'),
        handler: `index.${name}`,
        runtime: Runtime.NODEJS_24_X,
        architecture: Architecture.ARM_64,
        timeout: Duration.minutes(1),
        memorySize: 256,
        logGroup,
      });
    const provider = new Provider(this, 'Provider', {
      onEventHandler: handler('onEvent'),
      isCompleteHandler: handler('isComplete'),
      queryInterval: Duration.seconds(30),
      totalTimeout: Duration.hours(2),
    });
    this.role = role;
    this.serviceToken = provider.serviceToken;
    this.acknowledgeFramework(provider);
  }

  /** cdk-nag's findings on the provider framework, which CDK builds and we cannot shape. */
  private acknowledgeFramework(provider: Provider): void {
    const stack = Stack.of(this);
    // Every function but the framework's entry point, which CloudFormation invokes, is invoked by another part of it.
    const entry = provider.node.tryFindChild('framework-onEvent');
    const functions = this.node.findAll().filter((child): child is LambdaFunction => child instanceof LambdaFunction && child !== entry);
    const invokable = (fn: LambdaFunction) => `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`;
    const framework = 'The CDK custom resource provider framework, which CDK builds';
    Validations.of(this).acknowledge(
      ...functions.map((fn) => ({ id: invokable(fn), reason: `${framework}: its functions and state machine invoke each other, any version of each.` })),
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${framework} with this role for its own functions; they only relay CloudFormation's requests.` },
      { id: 'AwsSolutions-SF1', reason: `${framework}: its waiter only polls isComplete, whose own function logs every check.` },
      { id: 'AwsSolutions-SF2', reason: `${framework}: X-Ray on its waiter is not configurable.` },
      { id: 'Serverless-StepFunctionStateMachineXray', reason: `${framework}: X-Ray on its waiter is not configurable.` },
      { id: 'Serverless-LambdaDLQ', reason: 'Invoked by CloudFormation through the provider framework, which reports a failure to the stack: there is no asynchronous event to keep.' },
      { id: 'Serverless-LambdaTracing', reason: 'Runs only when a rule is added, changed or removed; its log lines say what it stopped.' },
      { id: 'Serverless-LambdaDefaultMemorySize', reason: `${framework} with its default memory for its own functions; ours set theirs.` },
    );
  }
}
