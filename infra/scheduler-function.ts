import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function, Runtime, Tracing, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { checkEnvironmentSize } from './environment-size.js';
import { functionCode, type FunctionFile } from './function-code.js';

export interface SchedulerFunctionProps {
  /** Handler file under lambdas/, e.g. 'daemon.ts'; its export `handler` is the function's. */
  handler: FunctionFile;
  environment: Record<string, string>;
  /** Files the function reads at /opt (a cron runner's rules). */
  layers?: ILayerVersion[];
  timeout: Duration;
  /** Default 512 MiB. */
  memorySize?: number;
  /** Default one month. */
  logRetention?: RetentionDays;
  logRemovalPolicy?: RemovalPolicy;
  /** Active X-Ray tracing. Default off. */
  tracing?: boolean;
}

/**
 * A scheduler Lambda as every rule gets it: the newest Node.js runtime the CDK offers, on arm64,
 * with a log group that has a retention and a role that may write only to it.
 *
 * Its code is the handler's bundle (see functionCode): prebuilt in the installed package, made at
 * synth in this repository. A plain Function rather than NodejsFunction, because the latter can
 * only bundle TypeScript sources, which the package does not ship.
 */
export class SchedulerFunction extends Function {
  constructor(scope: Construct, id: string, props: SchedulerFunctionProps) {
    checkEnvironmentSize(`${scope.node.path}/${id}`, props.environment);
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    // A role of its own that may write to its own log group only, instead of the managed
    // AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      code: functionCode(props.handler),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup,
      environment: props.environment,
      layers: props.layers,
    });
    Validations.of(this).acknowledge(
      { id: 'Serverless-LambdaDLQ', reason: 'Invoked only by its SQS queue, synchronously: failed batches go to the queue\'s dead-letter queue, not to an async DLQ.' },
      { id: 'Serverless-LambdaEventSourceMappingDestination', reason: 'SQS event sources take no on-failure destination; the queue\'s redrive policy sends failed messages to its dead-letter queue.' },
    );
    if (!props.tracing) {
      Validations.of(this).acknowledge({ id: 'Serverless-LambdaTracing', reason: 'X-Ray tracing is optional (the stack\'s tracing prop); results are already in logs, metrics and events.' });
    }
  }
}
