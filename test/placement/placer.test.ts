import { describe, expect, it } from 'vitest';
import { place, type PlacementRequest } from '../../shared/placement/placer.js';
import { seededRandom } from '../../shared/placement/random.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import type { ContainerInstance, Task } from '../../shared/state/types.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

const SMALL = { cpu: 256, memory: 512, tcpPorts: [], udpPorts: [] };

async function snapshotOf(instances: ContainerInstance[], tasks: Task[] = []): Promise<Snapshot> {
  const snapshot = await Snapshot.create(CLUSTER, { kind: 'all' });
  snapshot.putInstances(instances);
  snapshot.putTasks(tasks);
  return snapshot;
}

function ids(instances: readonly ContainerInstance[]): string[] {
  return instances.map((i) => i.ec2InstanceId);
}

function zone(id: string, az: string, overrides: Partial<ContainerInstance> = {}): ContainerInstance {
  return instanceFixture(id, { attributes: new Map([['ecs.availability-zone', az]]), ...overrides });
}

describe('binpack', () => {
  it('picks the fullest instance that still fits, then keeps filling it', async () => {
    const snapshot = await snapshotOf([
      instanceFixture('empty', { remainingMemory: 4096 }),
      instanceFixture('half', { remainingMemory: 2048 }),
      instanceFixture('too-full', { remainingMemory: 256 }),
    ]);
    const result = place(snapshot, { requirements: SMALL, count: 5, strategy: [{ type: 'binpack', field: 'memory' }] });
    // half takes 4 copies of 512 MiB (2048 -> 0), then empty gets the fifth; too-full never fits.
    expect(ids(result.placements)).toEqual(['i-half', 'i-half', 'i-half', 'i-half', 'i-empty']);
  });

  it('binpacks on cpu independently of memory', async () => {
    const snapshot = await snapshotOf([
      instanceFixture('cpu-tight', { remainingCpu: 300, remainingMemory: 4096 }),
      instanceFixture('mem-tight', { remainingCpu: 2048, remainingMemory: 600 }),
    ]);
    expect(ids(place(snapshot, { requirements: SMALL, count: 1, strategy: [{ type: 'binpack', field: 'cpu' }] }).placements)).toEqual(['i-cpu-tight']);
    expect(ids(place(snapshot, { requirements: SMALL, count: 1, strategy: [{ type: 'binpack', field: 'memory' }] }).placements)).toEqual(['i-mem-tight']);
  });
});

describe('spread', () => {
  it('balances copies across availability zones, counting copies already running', async () => {
    const instances = [zone('a1', 'us-east-1a'), zone('a2', 'us-east-1a'), zone('b1', 'us-east-1b'), zone('c1', 'us-east-1c')];
    const running = [taskFixture('old', { containerInstanceArn: instances[0]!.arn })];
    const snapshot = await snapshotOf(instances, running);
    const result = place(snapshot, {
      requirements: SMALL,
      count: 5,
      strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
      peers: running,
    });
    const perZone = new Map<string, number>([['us-east-1a', 1]]);
    for (const instance of result.placements) {
      const az = instance.attributes.get('ecs.availability-zone')!;
      perZone.set(az, (perZone.get(az) ?? 0) + 1);
    }
    expect(Object.fromEntries(perZone)).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
  });

  it('spread on instanceId puts each copy on a different instance while any is free', async () => {
    const snapshot = await snapshotOf([instanceFixture('x'), instanceFixture('y'), instanceFixture('z')]);
    const result = place(snapshot, { requirements: SMALL, count: 3, strategy: [{ type: 'spread', field: 'instanceId' }] });
    expect(new Set(ids(result.placements)).size).toBe(3);
  });
});

describe('chained strategies', () => {
  it('spread on zone, then binpack on memory within the chosen zone (ECS documented chain)', async () => {
    const snapshot = await snapshotOf([
      zone('a-roomy', 'us-east-1a', { remainingMemory: 4096 }),
      zone('a-tight', 'us-east-1a', { remainingMemory: 1024 }),
      zone('b-roomy', 'us-east-1b', { remainingMemory: 4096 }),
      zone('b-tight', 'us-east-1b', { remainingMemory: 2048 }),
    ]);
    const result = place(snapshot, {
      requirements: SMALL,
      count: 4,
      strategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
    });
    // Zones alternate (spread first); inside a zone the tightest instance that fits wins (binpack breaks the tie).
    expect(ids(result.placements)).toEqual(['i-a-tight', 'i-b-tight', 'i-a-tight', 'i-b-tight']);
  });

  it('random is reproducible under a seed and uses more than one instance', async () => {
    const instances = Array.from({ length: 20 }, (_, i) => instanceFixture(`r${i}`));
    const snapshot = await snapshotOf(instances);
    const request: PlacementRequest = { requirements: SMALL, count: 6, strategy: [{ type: 'random' }] };
    const first = ids(place(snapshot, { ...request, random: seededRandom(42) }).placements);
    const again = ids(place(snapshot, { ...request, random: seededRandom(42) }).placements);
    const other = ids(place(snapshot, { ...request, random: seededRandom(7) }).placements);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });
});

describe('feasibility and rejection reasons', () => {
  it('reports, for copies that fit nowhere, how many instances were turned down and why', async () => {
    const snapshot = await snapshotOf([
      instanceFixture('draining', { status: 'DRAINING' }),
      instanceFixture('agent-lost', { agentConnected: false }),
      instanceFixture('low-cpu', { remainingCpu: 100 }),
      instanceFixture('low-memory', { remainingMemory: 100 }),
      instanceFixture('port-busy', { tcpPortsInUse: [8080] }),
      instanceFixture('fits-one', { remainingCpu: 300, remainingMemory: 600 }),
    ]);
    const result = place(snapshot, { requirements: { ...SMALL, tcpPorts: [8080] }, count: 3 });
    expect(ids(result.placements)).toEqual(['i-fits-one']);
    expect(result.unplaced).toBe(2);
    expect(result.rejections).toEqual({
      STATUS: 1,
      AGENT: 1,
      'RESOURCE:CPU': 2, // low-cpu, and fits-one once its first copy took the CPU
      'RESOURCE:MEMORY': 1,
      'RESOURCE:PORTS': 1,
    });
  });

  it('distinctInstance keeps copies of a group off instances that already run one of that group', async () => {
    const instances = [instanceFixture('busy'), instanceFixture('free1'), instanceFixture('free2'), instanceFixture('other-group')];
    const snapshot = await snapshotOf(instances, [
      taskFixture('same', { containerInstanceArn: instances[0]!.arn, group: 'batch' }),
      taskFixture('other', { containerInstanceArn: instances[3]!.arn, group: 'web' }),
    ]);
    const result = place(snapshot, {
      requirements: SMALL,
      count: 4,
      constraints: [{ type: 'distinctInstance' }],
      group: 'batch',
    });
    expect(ids(result.placements).sort()).toEqual(['i-free1', 'i-free2', 'i-other-group']);
    expect(result).toMatchObject({ unplaced: 1, rejections: { DISTINCT_INSTANCE: 4 } });
  });

  it('never uses an excluded instance', async () => {
    const snapshot = await snapshotOf([instanceFixture('a'), instanceFixture('b')]);
    const excluded = new Set([instanceFixture('a').arn]);
    expect(ids(place(snapshot, { requirements: SMALL, count: 2, exclude: excluded }).placements)).toEqual(['i-b', 'i-b']);
  });
});
