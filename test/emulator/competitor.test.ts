import { DescribeContainerInstancesCommand, ListTasksCommand, StartTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { containerSized, ecsClient } from './helpers.js';

describe('the competitor hook: capacity stolen between a read and a StartTask', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 9 });
    emulator.admin.createCluster('race');
    emulator.admin.registerTaskDefinition(containerSized('job', 512, 512, { hostPort: 8080 }));
  });
  afterAll(() => emulator.close());

  it('runs before each instance is checked, so what it occupies makes StartTask fail', async () => {
    const first = emulator.admin.registerInstance({ cluster: 'race', cpu: 1024, memory: 1024 });
    const second = emulator.admin.registerInstance({ cluster: 'race', cpu: 1024, memory: 1024 });
    const seen: string[] = [];
    emulator.setCompetitor(({ cluster, containerInstanceArn }) => {
      seen.push(containerInstanceArn);
      expect(cluster).toBe('race');
      if (containerInstanceArn === first) emulator.admin.occupy(first, { cpu: 600, memory: 100 });
    });
    try {
      const answer = await ecsClient(emulator).send(new StartTaskCommand({ cluster: 'race', taskDefinition: 'job', containerInstances: [first, second] }));
      expect(seen).toEqual([first, second]);
      expect(answer.failures).toEqual([{ arn: first, reason: 'RESOURCE:CPU' }]);
      expect(answer.tasks?.map((t) => t.containerInstanceArn)).toEqual([second]);
    } finally {
      emulator.setCompetitor(undefined);
    }
  });

  it('can take a port, and the outside task is visible like any other', async () => {
    const instance = emulator.admin.registerInstance({ cluster: 'race', cpu: 4096, memory: 4096 });
    emulator.setCompetitor(() => emulator.admin.occupy(instance, { cpu: 1, memory: 1, tcpPorts: [8080], family: 'rival', startedBy: 'rival-scheduler' }));
    try {
      const ecs = ecsClient(emulator);
      const answer = await ecs.send(new StartTaskCommand({ cluster: 'race', taskDefinition: 'job', containerInstances: [instance] }));
      expect(answer.failures).toEqual([{ arn: instance, reason: 'RESOURCE:PORTS' }]);
      const rival = await ecs.send(new ListTasksCommand({ cluster: 'race', startedBy: 'rival-scheduler' }));
      expect(rival.taskArns).toHaveLength(1);
      const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'race', containerInstances: [instance] }));
      expect(described.containerInstances?.[0]?.remainingResources?.find((r) => r.name === 'PORTS')?.stringSetValue).toContain('8080');
    } finally {
      emulator.setCompetitor(undefined);
    }
  });

  it('refuses to occupy more than is free: the emulator never over-commits', () => {
    const instance = emulator.admin.registerInstance({ cluster: 'race', cpu: 100, memory: 100 });
    expect(() => emulator.admin.occupy(instance, { cpu: 101, memory: 1 })).toThrow(/RESOURCE:CPU/);
    emulator.admin.occupy(instance, { cpu: 100, memory: 100 });
    expect(emulator.admin.describeInstance(instance).remaining).toEqual({ cpu: 0, memory: 0 });
  });
});
