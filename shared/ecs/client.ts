import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { guardStarts } from './start-safety.js';

/**
 * An ECS client with the retry budget a scheduler needs. ECS's read and write buckets are shared
 * by every caller in the account, so throttles are normal under load: allow more attempts than
 * the SDK's default three (the SDK backs off exponentially and treats ThrottlingException as
 * retryable), except for starts whose outcome is unknown (see guardStarts). The endpoint comes
 * from the standard chain, so `AWS_ENDPOINT_URL_ECS` points it at the emulator.
 */
export function createEcsClient(config: ECSClientConfig = {}): ECSClient {
  const client = new ECSClient({ maxAttempts: 8, ...config });
  guardStarts(client);
  return client;
}
