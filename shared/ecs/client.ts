import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { EcsRetryStrategy } from './retry-strategy.js';
import { guardStarts } from './start-safety.js';

/**
 * An ECS client with the retry budget a scheduler needs. ECS's read and write buckets are shared
 * by every caller in the account, so throttles are normal under load, and a brownout (5xx answers
 * for minutes) must not make every load fail: allow more attempts than the SDK's default three,
 * with no retry quota to drain (see EcsRetryStrategy), except for starts whose outcome is unknown
 * (see guardStarts). `maxAttempts` in the config sets the attempts per call. The endpoint comes
 * from the standard chain, so `AWS_ENDPOINT_URL_ECS` points it at the emulator.
 */
export function createEcsClient(config: ECSClientConfig = {}): ECSClient {
  const maxAttempts = typeof config.maxAttempts === 'number' ? config.maxAttempts : 8;
  const client = new ECSClient({ retryStrategy: new EcsRetryStrategy({ maxAttempts }), ...config, maxAttempts });
  guardStarts(client);
  return client;
}
