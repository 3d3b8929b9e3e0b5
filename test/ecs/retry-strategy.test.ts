import { DescribeClustersCommand, StartTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { createEcsClient } from '../../shared/ecs/client.js';
import { EcsRetryStrategy } from '../../shared/ecs/retry-strategy.js';
import { StartOutcomeUnknownError } from '../../shared/ecs/start-safety.js';

const NO_WAIT = { transientMs: 0, throttlingMs: 0, capMs: 0 };

describe('EcsRetryStrategy', () => {
  it('retries throttles and transient errors, and stops at maxAttempts', async () => {
    const strategy = new EcsRetryStrategy({ maxAttempts: 3 });
    let token = await strategy.acquireInitialRetryToken();
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' });
    token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
    expect(token.getRetryCount()).toBe(2);
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' })).rejects.toThrow(/3 attempts/);
  });

  it('never retries a client error (which is what a start with a lost answer becomes)', async () => {
    const strategy = new EcsRetryStrategy();
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'CLIENT_ERROR' })).rejects.toThrow(/CLIENT_ERROR/);
  });

  it('waits a jittered share of an exponential backoff, capped', async () => {
    const strategy = new EcsRetryStrategy({ maxAttempts: 10, delays: { transientMs: 100, throttlingMs: 500, capMs: 5_000 }, random: () => 0.5 });
    const waits: number[] = [];
    let token = await strategy.acquireInitialRetryToken();
    for (let i = 0; i < 8; i += 1) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: i < 7 ? 'TRANSIENT' : 'THROTTLING' });
      waits.push(token.getRetryDelay());
    }
    expect(waits).toEqual([50, 100, 200, 400, 800, 1_600, 2_500, 2_500]);
  });

  it('has no quota to drain: after a thousand retries a new call still gets its retries', async () => {
    const strategy = new EcsRetryStrategy({ delays: NO_WAIT });
    for (let call = 0; call < 1_000; call += 1) await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'TRANSIENT' });
    let token = await strategy.acquireInitialRetryToken();
    for (let retry = 1; retry <= 7; retry += 1) token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' });
    expect(token.getRetryCount()).toBe(7);
  });
});

describe('createEcsClient against the emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 5 });
    emulator.admin.createCluster('retry');
  });
  afterAll(() => emulator.close());
  const client = () =>
    createEcsClient({
      endpoint: emulator.endpoint,
      region: emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      retryStrategy: new EcsRetryStrategy({ delays: NO_WAIT }),
    });

  it('rides out a long run of 5xx answers: each of 100 calls fails 7 times and succeeds at its 8th attempt', async () => {
    // The SDK's standard strategy would have spent its client's quota (500 tokens, 5 a retry)
    // within the first 15 calls, and failed the rest at their first error.
    const ecs = client();
    const attempts: number[] = [];
    for (let call = 0; call < 100; call += 1) {
      emulator.failCalls({ operation: 'DescribeClusters', times: 7, status: 503 });
      attempts.push((await ecs.send(new DescribeClustersCommand({ clusters: ['retry'] }))).$metadata.attempts!);
    }
    expect(new Set(attempts)).toEqual(new Set([8]));
    ecs.destroy();
  });

  it('still never repeats a StartTask whose answer was lost', async () => {
    const ecs = client();
    const instance = emulator.admin.registerInstance({ cluster: 'retry', cpu: 1024, memory: 2048 });
    const taskDefinition = emulator.admin.registerTaskDefinition({ family: 'once', containerDefinitions: [{ name: 'once', image: 'once', cpu: 128, memory: 128 }] });
    emulator.calls.reset();
    emulator.failCalls({ operation: 'StartTask', times: 1, status: 500, answerLost: true });
    await expect(ecs.send(new StartTaskCommand({ cluster: 'retry', taskDefinition, containerInstances: [instance] }))).rejects.toBeInstanceOf(StartOutcomeUnknownError);
    expect(emulator.calls.byOperation().StartTask).toBe(1);
    ecs.destroy();
  });
});
