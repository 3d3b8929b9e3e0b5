import { ECSClient } from '@aws-sdk/client-ecs';
import type { Emulator } from '../../emulator/index.js';

/** The real SDK client, pointed at the emulator. `maxAttempts: 1` shows every error as it came. */
export function ecsClient(emulator: Emulator, maxAttempts = 1): ECSClient {
  return new ECSClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts,
  });
}

/** The error a promise rejects with, or a failure when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A single-container task definition of the given size (container-level sizes, bridge mode). */
export function containerSized(family: string, cpu: number, memory: number, extra: { hostPort?: number; udpPort?: number } = {}) {
  const portMappings = [
    ...(extra.hostPort === undefined ? [] : [{ containerPort: 8080, hostPort: extra.hostPort }]),
    ...(extra.udpPort === undefined ? [] : [{ containerPort: 9000, hostPort: extra.udpPort, protocol: 'udp' as const }]),
  ];
  return { family, containerDefinitions: [{ name: family, image: `example/${family}`, cpu, memory, portMappings }] };
}
