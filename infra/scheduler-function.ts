import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SCHEDULER_BUNDLING, SQL_WASM } from './bundling.js';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SchedulerFunctionProps {
  /** Handler file under lambdas/, e.g. 'daemon.ts'. */
  handler: string;
  environment: Record<string, string>;
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
 * bundled by the local esbuild (see SCHEDULER_BUNDLING) with sql.js's WebAssembly file copied
 * beside the bundle, and a log group with a retention.
 */
export class SchedulerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SchedulerFunctionProps) {
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
      entry: `${ROOT}lambdas/${props.handler}`,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup,
      environment: props.environment,
      bundling: {
        ...SCHEDULER_BUNDLING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [`cp "${inputDir}/${SQL_WASM}" "${outputDir}/"`],
        },
      },
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
