import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { describeTasksTogether } from '../../shared/state/task-describer.js';
import { schedulerClient } from '../support/emulator.js';

/** DescribeTasks of several callers at once, through the real SDK, counted by the emulator. */

let emulator: Emulator;
let tasks: string[];
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 9 });
  emulator.admin.createCluster('ends');
  const instance = emulator.admin.registerInstance({ cluster: 'ends', cpu: 4096, memory: 8192 });
  tasks = Array.from({ length: 6 }, () => emulator.admin.occupy(instance, { cpu: 10, memory: 10 }));
  await emulator.admin.settle();
});
afterAll(() => emulator.close());
afterEach(() => emulator.calls.reset());

const pacer = new ReadPacer({ burst: 1_000_000, perSecond: 1_000_000, concurrency: 100 });

describe('describeTasksTogether', () => {
  it('sends what callers ask for while a call is in flight together in the next one, and gives each its own tasks', async () => {
    const ecs = schedulerClient(emulator);
    const asked = [[tasks[0]!], [tasks[1]!, tasks[2]!], [tasks[3]!], [tasks[4]!, tasks[5]!]];
    const answers = await Promise.all(asked.map((arns) => describeTasksTogether(ecs, 'ends', arns, pacer)));

    // Every caller asked in the same turn: one call for all of them.
    expect(emulator.calls.count('DescribeTasks')).toBe(1);
    asked.forEach((arns, i) => {
      for (const arn of arns) expect(answers[i]!.get(arn)?.taskArn).toBe(arn);
    });
  });

  it('a caller that asks while a call is in flight waits for it, then goes with the others that asked meanwhile', async () => {
    const ecs = schedulerClient(emulator);
    const first = describeTasksTogether(ecs, 'ends', [tasks[0]!], pacer);
    await Promise.resolve();
    const joined = [describeTasksTogether(ecs, 'ends', [tasks[1]!], pacer), describeTasksTogether(ecs, 'ends', [tasks[2]!], pacer)];
    const [alone, ...together] = await Promise.all([first, ...joined]);

    expect(emulator.calls.count('DescribeTasks')).toBe(2);
    expect([...alone.keys()]).toEqual([tasks[0]]);
    expect([together[0]!.get(tasks[1]!)?.taskArn, together[1]!.get(tasks[2]!)?.taskArn]).toEqual([tasks[1], tasks[2]]);
  });

  it('a task ECS does not know is absent; a failed call fails its callers only, and the next call goes', async () => {
    const ecs = schedulerClient(emulator, 1);
    const gone = tasks[0]!.replace(/[0-9a-f]{32}$/, '0'.repeat(32));
    expect((await describeTasksTogether(ecs, 'ends', [gone, tasks[1]!], pacer)).has(gone)).toBe(false);

    const remove = emulator.failCalls({ operation: 'DescribeTasks', status: 500 });
    const failing = describeTasksTogether(ecs, 'ends', [tasks[2]!], pacer);
    await expect(failing).rejects.toThrow();
    remove();
    expect((await describeTasksTogether(ecs, 'ends', [tasks[3]!], pacer)).get(tasks[3]!)?.taskArn).toBe(tasks[3]);
  });
});
