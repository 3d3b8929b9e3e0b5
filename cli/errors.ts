import { ConfigValidationError } from '../shared/config/index.js';
import { LedgerError } from '../shared/ledger/run-ledger.js';
import { ClusterNotFoundError, SnapshotLoadError } from '../shared/state/index.js';

/**
 * Exit codes, one meaning each:
 * - 0: done;
 * - 1: the operation ran and failed: ECS refused or could not be reached, the cluster does not
 *   exist, ECS throttled us past the SDK's retries, a run could not start its copies;
 * - 2: nothing was attempted because of how the command was called: flags, the config file,
 *   missing credentials or Region, an SQL error, a change refused for want of confirmation.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** `plan --detailed-exitcode`: the plan would change the cluster (terraform's 2 is our usage code). */
export const EXIT_CHANGES = 3;
export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE | typeof EXIT_CHANGES;

/** An error the CLI explains itself: a one-line message, an optional hint, an exit code. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Wrong flags or arguments: exit 2, with a pointer to the command's help. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, hint?: string) {
    super(message, EXIT_USAGE, 'Usage', hint);
  }
}

/** Where the command was talking to, for messages that name it. */
export interface Target {
  endpoint?: string;
  region?: string;
}

const CREDENTIALS_HINT =
  'configure credentials the usual way (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance role); ' +
  'for the local emulator pass --endpoint http://127.0.0.1:PORT, which needs none';
const REJECTED = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId', 'ExpiredToken']);
/** ECS's answers to a request it will never accept as sent. */
const REFUSED = new Set(['ClientException', 'InvalidParameterException']);
export const TASK_DEFINITION_HINT = "register the task definition in this account and Region, or fix the rule's taskDefinition";
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'TimeoutError']);

/**
 * Any error, as the one-line message and hint the CLI prints. The AWS SDK's and the snapshot's
 * errors wrap one another (a SnapshotLoadError's cause is the SDK's), so the whole cause chain
 * is searched for the root that explains the failure best.
 */
export function explain(error: unknown, target: Target = {}): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ConfigValidationError) return new CliError(error.message, EXIT_USAGE, 'InvalidConfig', undefined, { cause: error });
  const chain = causes(error);
  const named = (name: string) => chain.find((e) => e.name === name);
  const where = target.endpoint ? ` at ${target.endpoint}` : target.region ? ` in ${target.region}` : '';

  const credentials = named('CredentialsProviderError');
  if (credentials) {
    return new CliError(`no AWS credentials found (${credentials.message})`, EXIT_USAGE, 'NoCredentials', CREDENTIALS_HINT, { cause: error });
  }
  if (chain.some((e) => /^Region is missing/.test(e.message))) {
    return new CliError('no AWS Region configured', EXIT_USAGE, 'NoRegion', 'pass --region, set AWS_REGION, set `region` in the config, or set one in your AWS profile', {
      cause: error,
    });
  }
  const notFound = chain.find((e): e is ClusterNotFoundError => e instanceof ClusterNotFoundError);
  if (notFound) {
    return new CliError(`cluster "${notFound.cluster}" was not found${where}`, EXIT_FAILED, 'ClusterNotFound', 'check the cluster name (or its arn in the config) and the Region (--region)', {
      cause: error,
    });
  }
  const throttled = named('ThrottlingException');
  if (throttled) {
    const attempts = (throttled as { $metadata?: { attempts?: number } }).$metadata?.attempts;
    return new CliError(
      `ECS throttled the requests${where} (ThrottlingException: ${throttled.message})${attempts ? ` after ${attempts} attempts` : ''}`,
      EXIT_FAILED,
      'Throttled',
      "ECS's request rate is shared by every caller in the account and Region; try again in a minute, or when fewer tools are polling ECS",
      { cause: error },
    );
  }
  const rejected = chain.find((e) => REJECTED.has(e.name));
  if (rejected) {
    return new CliError(`AWS rejected the credentials (${rejected.name}: ${rejected.message})`, EXIT_FAILED, 'BadCredentials', 'refresh them (`aws sso login`) or check AWS_PROFILE', {
      cause: error,
    });
  }
  const denied = chain.find((e) => e.name === 'AccessDeniedException');
  if (denied) {
    return new CliError(`access denied${where}: ${denied.message}`, EXIT_FAILED, 'AccessDenied', 'plan, snapshot and query need ecs:List*/Describe*; run also needs ecs:StartTask and ecs:StopTask', {
      cause: error,
    });
  }
  const ledger = chain.find((e): e is LedgerError => e instanceof LedgerError);
  if (ledger) {
    return new CliError(ledger.message, EXIT_FAILED, 'LedgerFailed', "check --table (the stack's RunLedgerTable output) and the Region; for a local ledger, AWS_ENDPOINT_URL_DYNAMODB", {
      cause: error,
    });
  }
  const unreachable = chain.find((e) => UNREACHABLE.has(String((e as { code?: unknown }).code)) || UNREACHABLE.has(e.name));
  if (unreachable) {
    return new CliError(`could not reach ECS${where}: ${unreachable.message}`, EXIT_FAILED, 'Unreachable', target.endpoint ? 'is the emulator (or proxy) running at --endpoint?' : 'check the network and the Region', {
      cause: error,
    });
  }
  const load = chain.find((e): e is SnapshotLoadError => e instanceof SnapshotLoadError);
  if (load) {
    const hint = load.call.startsWith('DescribeTaskDefinition') ? TASK_DEFINITION_HINT : undefined;
    return new CliError(load.message, EXIT_FAILED, 'SnapshotLoadFailed', hint, { cause: error });
  }
  const refused = chain.find((e) => REFUSED.has(e.name));
  if (refused) return new CliError(`ECS refused the request (${refused.name}: ${refused.message})`, EXIT_FAILED, refused.name, undefined, { cause: error });
  const first = chain[0];
  return new CliError(first ? `${first.name}: ${first.message}` : String(error), EXIT_FAILED, 'Failed', 'run again with --debug for the stack trace', { cause: error });
}

/** The error and its causes, outermost first (at most 10: a cycle must not hang the CLI). */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && chain.length < 10; current = current.cause) chain.push(current);
  return chain;
}
