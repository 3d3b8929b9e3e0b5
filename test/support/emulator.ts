import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Emulator } from '../../emulator/index.js';
import { createEcsClient } from '../../shared/ecs/client.js';

/** Our own ECS client (as the Lambdas build it) pointed at the emulator. */
export function schedulerClient(emulator: Emulator, maxAttempts?: number): ECSClient {
  return createEcsClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}
