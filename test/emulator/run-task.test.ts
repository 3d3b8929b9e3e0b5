import { RunTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { containerSized, ecsClient, rejection } from './helpers.js';

describe('RunTask: random placement among instances that fit', () => {
  const emulators: Emulator[] = [];
  const cluster = async (randomSeed: number) => {
    const emulator = await startEmulator({ randomSeed });
    emulators.push(emulator);
    emulator.admin.createCluster('run');
    emulator.admin.registerTaskDefinition(containerSized('job', 512, 512));
    const instances = Array.from({ length: 6 }, () => emulator.admin.registerInstance({ cluster: 'run', cpu: 1024, memory: 4096 }));
    return { emulator, instances };
  };
  afterAll(() => Promise.all(emulators.map((emulator) => emulator.close())));

  it('places up to 10 tasks only where they fit, the same way for the same seed', async () => {
    const placements = async (seed: number) => {
      const { emulator, instances } = await cluster(seed);
      emulator.admin.drainInstance(instances[0] ?? '');
      emulator.admin.setAgentConnected(instances[1] ?? '', false);
      const answer = await ecsClient(emulator).send(new RunTaskCommand({ cluster: 'run', taskDefinition: 'job', count: 8 }));
      expect(answer.failures).toEqual([]);
      const hosts = (answer.tasks ?? []).map((task) => task.containerInstanceArn ?? '');
      expect(hosts).toHaveLength(8);
      expect(hosts).not.toContain(instances[0]);
      expect(hosts).not.toContain(instances[1]);
      for (const host of new Set(hosts)) expect(hosts.filter((h) => h === host).length).toBeLessThanOrEqual(2);
      return hosts.map((host) => instances.indexOf(host));
    };
    const first = await placements(21);
    expect(await placements(21)).toEqual(first);
  });

  it('reports why each instance cannot take a task once the cluster is full', async () => {
    const { emulator, instances } = await cluster(4);
    const ecs = ecsClient(emulator);
    for (let i = 0; i < 2; i++) await ecs.send(new RunTaskCommand({ cluster: 'run', taskDefinition: 'job', count: 6 }));
    const full = await ecs.send(new RunTaskCommand({ cluster: 'run', taskDefinition: 'job', count: 2 }));
    expect(full.tasks).toEqual([]);
    expect(full.failures).toEqual(instances.map((arn) => ({ arn, reason: 'RESOURCE:CPU' })));
  });

  it('rejects a count over 10 and a cluster without instances', async () => {
    const { emulator } = await cluster(2);
    const ecs = ecsClient(emulator);
    expect((await rejection(ecs.send(new RunTaskCommand({ cluster: 'run', taskDefinition: 'job', count: 11 })))).name).toBe('InvalidParameterException');
    emulator.admin.createCluster('empty');
    const empty = await rejection(ecs.send(new RunTaskCommand({ cluster: 'empty', taskDefinition: 'job' })));
    expect(empty.message).toBe('No Container Instances were found in your cluster.');
  });
});
