import type { ECSClient } from '@aws-sdk/client-ecs';
import { createEcsClient } from '../shared/ecs/client.js';
import type { Target } from './errors.js';
import { UsageError } from './errors.js';

export interface AwsFlags {
  endpoint?: string;
  region?: string;
}

/**
 * The ECS client for a command, built with the same factory (retry budget, start safety) the
 * Lambdas use.
 *
 * - Without --endpoint: the SDK's standard chains decide everything, exactly as for the AWS CLI
 *   and the Lambdas (AWS_PROFILE, SSO, environment variables, instance and container roles;
 *   AWS_REGION or the profile's region; AWS_ENDPOINT_URL_ECS).
 * - With --endpoint (or AWS_ENDPOINT_URL_ECS) on a loopback address (127.0.0.0/8, localhost, ::1), that is the emulator
 *   or something like it: the client signs with fixed dummy credentials and, if no Region is
 *   given, us-east-1. The emulator accepts any signature, so this needs no AWS setup, and real
 *   credentials are never handed to a local process.
 * - With --endpoint elsewhere (a VPC endpoint, a proxy): the standard credential chain, since
 *   that is still AWS.
 *
 * The Region is --region, else the config's `region` (for commands that read one), else the chain.
 */
export function ecsClientFor(flags: AwsFlags, configRegion?: string): { ecs: ECSClient; target: Target } {
  const endpoint = flags.endpoint !== undefined ? checkedEndpoint(flags.endpoint) : loopbackFromEnvironment();
  const local = endpoint !== undefined && isLoopback(endpoint);
  const region = flags.region ?? configRegion ?? (local ? (process.env.AWS_REGION ?? 'us-east-1') : undefined);
  const ecs = createEcsClient({
    ...(endpoint && { endpoint: endpoint.href }),
    ...(region && { region }),
    ...(local && { credentials: { accessKeyId: 'ecs-sched-local', secretAccessKey: 'ecs-sched-local' } }),
  });
  return { ecs, target: { ...(endpoint && { endpoint: flags.endpoint ?? process.env.AWS_ENDPOINT_URL_ECS }), region: region ?? process.env.AWS_REGION } };
}

/**
 * AWS_ENDPOINT_URL_ECS on a loopback address is taken as --endpoint would be (the line
 * `ecs-sched emulator` prints for a shell): dummy credentials, no AWS setup. Anywhere else the
 * SDK reads it itself, with the standard credential chain.
 */
function loopbackFromEnvironment(): URL | undefined {
  const text = process.env.AWS_ENDPOINT_URL_ECS;
  if (!text) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  return url && isLoopback(url) ? url : undefined;
}

function checkedEndpoint(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--endpoint ${JSON.stringify(text)} is not a URL`, 'for the emulator, use the endpoint it prints, such as http://127.0.0.1:4566');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be an http:// or https:// URL, found ${JSON.stringify(text)}`);
  return url;
}

export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
