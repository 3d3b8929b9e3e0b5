import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
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
 * bundled by the local esbuild as CommonJS (sql.js's dynamic requires break under ESM output),
 * with sql.js's WebAssembly file copied beside the bundle, and a log group with a retention.
 */
export class SchedulerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SchedulerFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    super(scope, id, {
      entry: `${ROOT}lambdas/${props.handler}`,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.CJS,
        minify: true,
        sourceMap: true,
        // The AWS SDK clients are bundled, not taken from the runtime: the StartTask retry guard
        // relies on the middleware behaviour of the exact version the tests ran against.
        externalModules: [],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [`cp "${inputDir}/node_modules/sql.js/dist/sql-wasm.wasm" "${outputDir}/"`],
        },
      },
    });
  }
}
