import { DescribeContainerInstancesCommand, DescribeTasksCommand, paginateListTasks } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCluster, startEmulator, type Emulator, type SeedResult } from '../../emulator/index.js';
import { ecsClient } from './helpers.js';

describe('seedCluster', () => {
  const emulators: Emulator[] = [];
  const fresh = async () => {
    const emulator = await startEmulator({ randomSeed: 1 });
    emulators.push(emulator);
    return emulator;
  };
  afterAll(() => Promise.all(emulators.map((emulator) => emulator.close())));

  describe('a large cluster', () => {
    let emulator: Emulator;
    let seeded: SeedResult;
    beforeAll(async () => {
      emulator = await fresh();
      seeded = seedCluster(emulator, { cluster: 'big', instances: 5000, tasks: 20_000, seed: 12, daemon: { family: 'node-agent', startedBy: 'daemon-node-agent' } });
    });

    it('creates what it reports', () => {
      expect(seeded.instanceArns).toHaveLength(5000);
      expect(seeded.taskArns).toHaveLength(20_000);
      expect(seeded.daemonTaskArns).toHaveLength(5000);
      expect(Object.keys(seeded.taskDefinitionArns).sort()).toEqual(['api', 'batch', 'node-agent', 'statsd', 'web', 'worker']);
      expect(emulator.admin.listTasks('big', { lastStatus: 'RUNNING' })).toHaveLength(25_000);
    });

    it('never over-commits an instance: remaining = registered - what its live tasks hold, ports unique', () => {
      const held = new Map<string | undefined, { tasks: number; cpu: number; memory: number; tcp: number[]; udp: number[] }>();
      for (const task of emulator.admin.listTasks('big', { desiredStatus: 'RUNNING' })) {
        const sum = held.get(task.containerInstanceArn) ?? { tasks: 0, cpu: 0, memory: 0, tcp: [], udp: [] };
        sum.tasks++;
        sum.cpu += task.cpu;
        sum.memory += task.memory;
        sum.tcp.push(...task.tcpPorts);
        sum.udp.push(...task.udpPorts);
        held.set(task.containerInstanceArn, sum);
      }
      for (const instance of emulator.admin.listInstances('big')) {
        const sum = held.get(instance.arn) ?? { tasks: 0, cpu: 0, memory: 0, tcp: [], udp: [] };
        expect(instance.remaining.cpu).toBe(instance.registered.cpu - sum.cpu);
        expect(instance.remaining.memory).toBe(instance.registered.memory - sum.memory);
        expect(instance.remaining.cpu).toBeGreaterThanOrEqual(0);
        expect(instance.remaining.memory).toBeGreaterThanOrEqual(0);
        expect(new Set(sum.tcp).size).toBe(sum.tcp.length);
        expect(sum.tcp.some((port) => [22, 2375, 2376, 51678, 51679].includes(port))).toBe(false);
        expect(new Set(sum.udp).size).toBe(sum.udp.length);
        expect(instance.runningTasksCount).toBe(sum.tasks);
      }
    });

    it('runs exactly one daemon task on every instance', () => {
      const daemonHosts = emulator.admin.listTasks('big', { startedBy: 'daemon-node-agent' }).map((task) => task.containerInstanceArn);
      expect(new Set(daemonHosts)).toEqual(new Set(seeded.instanceArns));
      expect(daemonHosts).toHaveLength(seeded.instanceArns.length);
    });

    it('spreads instances of mixed sizes over three zones, with the ECS and custom attributes', () => {
      const instances = emulator.admin.listInstances('big');
      const zones = new Map<string | undefined, number>();
      for (const instance of instances) zones.set(instance.attributes['ecs.availability-zone'], (zones.get(instance.attributes['ecs.availability-zone']) ?? 0) + 1);
      expect([...zones.keys()].sort()).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
      expect(new Set(instances.map((i) => i.registered.cpu))).toEqual(new Set([2048, 4096, 8192]));
      const first = instances[0]?.attributes ?? {};
      for (const name of ['ecs.instance-type', 'ecs.os-type', 'ecs.cpu-architecture', 'ecs.ami-id', 'stack']) expect(first[name]).toBeTypeOf('string');
      expect(new Set(instances.map((i) => i.attributes.stack))).toEqual(new Set(['prod', 'staging']));
      expect(instances.some((i) => i.attributes.gpu === 'true')).toBe(true);
      expect(new Set(instances.map((i) => i.attributes['ecs.cpu-architecture']))).toEqual(new Set(['x86_64', 'arm64']));
    });

    it('is served through the API like anything else', async () => {
      const ecs = ecsClient(emulator);
      const pages = [];
      for await (const page of paginateListTasks({ client: ecs }, { cluster: 'big', family: 'statsd' })) pages.push(page.taskArns ?? []);
      const statsd = pages.flat();
      expect(statsd.length).toBeGreaterThan(100);
      const described = await ecs.send(new DescribeTasksCommand({ cluster: 'big', tasks: statsd.slice(0, 100) }));
      expect(described.tasks?.every((task) => task.lastStatus === 'RUNNING' && task.containers?.[0]?.networkBindings?.[0]?.protocol === 'udp')).toBe(true);
      const instances = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'big', containerInstances: seeded.instanceArns.slice(0, 100) }));
      expect(instances.containerInstances).toHaveLength(100);
    });
  });

  it('is deterministic for a seed and differs for another', async () => {
    const shape = (emulator: Emulator, seeded: SeedResult) => ({
      seeded,
      instances: emulator.admin.listInstances('det').map((i) => [i.arn, i.registered, i.remaining, i.attributes]),
      placement: emulator.admin.listTasks('det').map((t) => [t.arn, t.family, t.containerInstanceArn]),
    });
    const a = await fresh();
    const b = await fresh();
    const c = await fresh();
    const first = shape(a, seedCluster(a, { cluster: 'det', instances: 40, tasks: 120, seed: 99 }));
    const again = shape(b, seedCluster(b, { cluster: 'det', instances: 40, tasks: 120, seed: 99 }));
    const other = shape(c, seedCluster(c, { cluster: 'det', instances: 40, tasks: 120, seed: 100 }));
    expect(again).toEqual(first);
    expect(other.seeded.instanceArns).not.toEqual(first.seeded.instanceArns);
    expect(other.placement).not.toEqual(first.placement);
  });

  it('uses a family already registered, and says so when the tasks cannot fit', async () => {
    const emulator = await fresh();
    const arn = emulator.admin.registerTaskDefinition({ family: 'mine', containerDefinitions: [{ name: 'mine', image: 'mine', cpu: 1024, memory: 1024 }] });
    const seeded = seedCluster(emulator, { cluster: 'own', instances: 10, tasks: 10, families: ['mine'] });
    expect(seeded.taskDefinitionArns).toEqual({ mine: arn });
    expect(emulator.admin.listTasks('own').every((task) => task.taskDefinitionArn === arn)).toBe(true);
    expect(() => seedCluster(emulator, { cluster: 'tiny', instances: 1, tasks: 100, families: ['mine'] })).toThrow(/fits on none/);
  });

  it('stays quiet unless asked to emit events', async () => {
    const emulator = await fresh();
    const events: string[] = [];
    emulator.onEvent((event) => events.push(event['detail-type']));
    seedCluster(emulator, { cluster: 'quiet', instances: 5, tasks: 5 });
    await emulator.admin.settle();
    expect(events).toEqual([]);
    seedCluster(emulator, { cluster: 'loud', instances: 2, tasks: 2, emitEvents: true });
    await emulator.admin.settle();
    expect(events.filter((type) => type === 'ECS Task State Change')).toHaveLength(2);
    expect(events.filter((type) => type === 'ECS Container Instance State Change')).toHaveLength(4);
  });
});
