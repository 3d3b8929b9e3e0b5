import { RunTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { describeCopies } from '../../shared/state/describe-copies.js';
import { schedulerClient } from '../support/emulator.js';

describe('describeCopies: how a run\'s tasks stand, from DescribeTasks', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 3 });
    emulator.admin.createCluster('jobs');
    emulator.admin.registerTaskDefinition({
      family: 'job',
      containerDefinitions: [
        { name: 'app', image: 'app', memory: 128 },
        { name: 'log', image: 'log', memory: 64, essential: false },
      ],
    });
    emulator.admin.registerInstance({ cluster: 'jobs', cpu: 1024, memory: 4096 });
  });
  afterAll(() => emulator?.close());

  it('gives each container its exit code and whether it is essential, and undefined for a task ECS does not know', async () => {
    const ecs = schedulerClient(emulator);
    const { tasks = [] } = await ecs.send(new RunTaskCommand({ cluster: 'jobs', taskDefinition: 'job', count: 2 }));
    const [done, running] = tasks.map((task) => task.taskArn!);
    await emulator.admin.settle();
    emulator.admin.stopTask(done!, 'Essential container in task exited', 3);
    await emulator.admin.settle();
    const gone = done!.replace(/[^/]+$/, '00000000000000000000000000000000');

    const states = await describeCopies(ecs, 'jobs', [done!, running!, gone]);
    expect(states.get(done!)).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'app', essential: true, exitCode: 3 },
        { name: 'log', essential: false, exitCode: 3 },
      ],
    });
    expect(states.get(running!)).toMatchObject({ lastStatus: 'RUNNING' });
    expect(states.has(gone)).toBe(true);
    expect(states.get(gone)).toBeUndefined();
  });
});
