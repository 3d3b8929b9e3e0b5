import { DescribeClustersCommand, ListTasksCommand, StartTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js';
import { ecsClient, rejection } from './helpers.js';

describe('throttling, injected failures, latency and the call counter', () => {
  let emulator: Emulator | undefined;
  /** A manual clock: token buckets refill only when a test moves it. */
  let now = 1_700_000_000_000;
  const start = async (options: EmulatorOptions = {}) => {
    emulator = await startEmulator({ randomSeed: 1, clock: () => now, ...options });
    emulator.admin.createCluster('c');
    return emulator;
  };
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('answers ThrottlingException once the read bucket (100 burst) is spent, and refills at 20/s', async () => {
    const ecs = ecsClient(await start({ throttling: true }));
    for (let i = 0; i < 100; i++) await ecs.send(new ListTasksCommand({ cluster: 'c' }));
    const error = await rejection(ecs.send(new ListTasksCommand({ cluster: 'c' })));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata?.httpStatusCode).toBe(400);

    now += 1000;
    for (let i = 0; i < 20; i++) await ecs.send(new ListTasksCommand({ cluster: 'c' }));
    expect((await rejection(ecs.send(new ListTasksCommand({ cluster: 'c' })))).name).toBe('ThrottlingException');
  });

  it('keeps task writes in their own bucket (100 burst, 40/s) and leaves other calls alone', async () => {
    const emulator = await start({ throttling: true });
    const ecs = ecsClient(emulator);
    for (let i = 0; i < 100; i++) await ecs.send(new ListTasksCommand({ cluster: 'c' }));
    expect((await rejection(ecs.send(new ListTasksCommand({ cluster: 'c' })))).name).toBe('ThrottlingException');
    // Reads spent; writes and unthrottled calls still go through.
    await ecs.send(new DescribeClustersCommand({ clusters: ['c'] }));
    const stop = () => ecs.send(new StopTaskCommand({ cluster: 'c', task: 'missing' }));
    for (let i = 0; i < 100; i++) expect((await rejection(stop())).name).toBe('InvalidParameterException');
    expect((await rejection(stop())).name).toBe('ThrottlingException');
    now += 1000;
    for (let i = 0; i < 40; i++) expect((await rejection(stop())).name).toBe('InvalidParameterException');
    expect((await rejection(stop())).name).toBe('ThrottlingException');
  });

  it('does not throttle when off, and can be switched on and off', async () => {
    const emulator = await start();
    const ecs = ecsClient(emulator);
    for (let i = 0; i < 150; i++) await ecs.send(new ListTasksCommand({ cluster: 'c' }));
    emulator.setThrottling(true);
    for (let i = 0; i < 100; i++) await ecs.send(new ListTasksCommand({ cluster: 'c' }));
    expect((await rejection(ecs.send(new ListTasksCommand({ cluster: 'c' })))).name).toBe('ThrottlingException');
    emulator.setThrottling(false);
    await ecs.send(new ListTasksCommand({ cluster: 'c' }));
  });

  it('fails matching calls with failCalls, for `times` calls or until removed', async () => {
    const emulator = await start();
    const ecs = ecsClient(emulator);
    emulator.failCalls({ operation: 'ListTasks', times: 2, status: 503 });
    const first = await rejection(ecs.send(new ListTasksCommand({ cluster: 'c' })));
    expect(first.name).toBe('ServerException');
    expect(first.$metadata?.httpStatusCode).toBe(503);
    await rejection(ecs.send(new ListTasksCommand({ cluster: 'c' })));
    await ecs.send(new ListTasksCommand({ cluster: 'c' }));

    const remove = emulator.failCalls({ operation: 'ListTasks', when: (input) => input.family === 'doomed' });
    await ecs.send(new ListTasksCommand({ cluster: 'c', family: 'fine' }));
    for (let i = 0; i < 3; i++) expect((await rejection(ecs.send(new ListTasksCommand({ cluster: 'c', family: 'doomed' })))).$metadata?.httpStatusCode).toBe(500);
    remove();
    await ecs.send(new ListTasksCommand({ cluster: 'c', family: 'doomed' }));
  });

  it('answerLost: the call takes effect, and only its answer is lost', async () => {
    const emulator = await start();
    const ecs = ecsClient(emulator, 1);
    emulator.admin.createCluster('lost');
    const instance = emulator.admin.registerInstance({ cluster: 'lost', cpu: 1024, memory: 2048 });
    const definition = emulator.admin.registerTaskDefinition({ family: 'job', containerDefinitions: [{ name: 'main', image: 'job', memory: 128 }] });
    emulator.failCalls({ operation: 'StartTask', times: 1, answerLost: true });
    const lost = await rejection(ecs.send(new StartTaskCommand({ cluster: 'lost', taskDefinition: definition, containerInstances: [instance], startedBy: 'lost-answer' })));
    expect(lost.$metadata?.httpStatusCode).toBe(500);
    expect(emulator.admin.listTasks('lost', { startedBy: 'lost-answer' })).toHaveLength(1);
  });

  it('lets the SDK retry through an injected failure', async () => {
    const emulator = await start();
    emulator.failCalls({ operation: 'ListTasks', times: 1 });
    await ecsClient(emulator, 3).send(new ListTasksCommand({ cluster: 'c' }));
    expect(emulator.calls.byOperation()).toEqual({ ListTasks: 2 });
  });

  it('fails every call at errorRate 1 and none at 0', async () => {
    const emulator = await start({ errorRate: 1 });
    const ecs = ecsClient(emulator);
    expect((await rejection(ecs.send(new ListTasksCommand({ cluster: 'c' })))).name).toBe('ServerException');
    emulator.setErrorRate(0);
    await ecs.send(new ListTasksCommand({ cluster: 'c' }));
    expect(() => emulator.setErrorRate(2)).toThrow(RangeError);
  });

  it('injects errors at a seeded rate: the same seed fails the same calls', async () => {
    const outcomes = async () => {
      const emulator = await start({ errorRate: 0.5, randomSeed: 42 });
      const ecs = ecsClient(emulator);
      const results: boolean[] = [];
      for (let i = 0; i < 40; i++) results.push(await ecs.send(new ListTasksCommand({ cluster: 'c' })).then(() => true, () => false));
      await emulator.close();
      return results;
    };
    const first = await outcomes();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await outcomes()).toEqual(first);
  });

  it('counts calls per operation, throttled and failed ones included, and resets', async () => {
    const emulator = await start({ throttling: true });
    const ecs = ecsClient(emulator);
    emulator.failCalls({ operation: 'DescribeClusters', times: 1 });
    await rejection(ecs.send(new DescribeClustersCommand({})));
    for (let i = 0; i < 101; i++) await ecs.send(new ListTasksCommand({ cluster: 'c' })).catch(() => undefined);
    expect(emulator.calls.byOperation()).toEqual({ DescribeClusters: 1, ListTasks: 101 });
    expect(emulator.calls.total()).toBe(102);
    emulator.calls.reset();
    expect(emulator.calls.total()).toBe(0);
  });

  it('answers many calls waiting out latency at once', async () => {
    const emulator = await start({ latencyMs: 50 });
    const ecs = ecsClient(emulator);
    const answers = await Promise.all(Array.from({ length: 50 }, () => ecs.send(new ListTasksCommand({ cluster: 'c' }))));
    expect(answers.every((answer) => Array.isArray(answer.taskArns))).toBe(true);
    emulator.setLatency(0);
    expect(() => emulator.setLatency(-1)).toThrow(RangeError);
  });
});
