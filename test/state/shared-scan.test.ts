import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { SharedScans, type Decision, type Turn } from '../../shared/state/shared-scan.js';
import type { InstanceScan } from '../../shared/state/types.js';
import { schedulerClient } from '../support/emulator.js';

/**
 * SharedScans against the emulator, through the real SDK: which decisions share a scan (counted
 * with the emulator's call counter: a scan of a cluster under 100 instances is one
 * ListContainerInstances), and what each decision sees.
 */

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 5 });
});
afterAll(() => emulator.close());
afterEach(() => emulator.calls.reset());

const pacer = new ReadPacer({ burst: 1_000_000, perSecond: 1_000_000, concurrency: 100 });
const T0 = new Date('2026-03-01T02:00:01Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

let clusters = 0;
function cluster(instances = 2): { name: string; arns: string[] } {
  clusters += 1;
  const name = `shared-${clusters}`;
  emulator.admin.createCluster(name);
  return { name, arns: Array.from({ length: instances }, () => emulator.admin.registerInstance({ cluster: name, cpu: 1024, memory: 2048 })) };
}

/** A decision that changes nothing, and what it saw. */
function look(seen: InstanceScan[], stale = false) {
  return async (scan: InstanceScan): Promise<Decision<void>> => {
    seen.push(scan);
    return { value: undefined, instances: scan.instances, stale };
  };
}

const scans = () => emulator.calls.count('ListContainerInstances');

describe('SharedScans', () => {
  it('serves the decisions on one cluster within the freshness bound from one scan', async () => {
    const { name } = cluster();
    const shared = new SharedScans({ maxAgeMs: 60_000 });
    const ecs = schedulerClient(emulator);
    const seen: InstanceScan[] = [];
    for (const at of [0, 10_000, 59_999]) await shared.decide(ecs, name, { now: () => later(at), pacer }, look(seen));

    expect(scans()).toBe(1);
    expect(emulator.calls.count('DescribeContainerInstances')).toBe(1);
    expect(seen.map((scan) => scan.scannedAt)).toEqual([T0, T0, T0]);
  });

  it('scans again once the scan is as old as the bound, and for each cluster on its own', async () => {
    const first = cluster();
    const second = cluster();
    const shared = new SharedScans({ maxAgeMs: 60_000 });
    const ecs = schedulerClient(emulator);
    const seen: InstanceScan[] = [];
    await shared.decide(ecs, first.name, { now: () => T0, pacer }, look(seen));
    await shared.decide(ecs, second.name, { now: () => T0, pacer }, look(seen));
    await shared.decide(ecs, first.name, { now: () => later(60_000), pacer }, look(seen));

    expect(scans()).toBe(3);
    expect(seen.map((scan) => [scan.cluster.name, scan.scannedAt])).toEqual([
      [first.name, T0],
      [second.name, T0],
      [first.name, later(60_000)],
    ]);
  });

  it('never gives a decision the scan its last attempt used, even one made after its own clock (a retry sees capacity newer than its last look)', async () => {
    const { name } = cluster();
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    const used: number[] = [];
    const noting = async (scan: InstanceScan, turn: Turn): Promise<Decision<void>> => {
      used.push(turn.scan);
      return { value: undefined, instances: scan.instances, stale: false };
    };
    // Another rule's decision scans at 02:00:02; this one, whose attempt began at 02:00:01, is served that scan.
    await shared.decide(ecs, name, { now: () => later(1_000), pacer }, noting);
    await shared.decide(ecs, name, { now: () => later(1_000), pacer }, noting);
    expect(scans()).toBe(1);
    // Its retry asks for a scan newer than that one, whenever that one was made.
    await shared.decide(ecs, name, { now: () => later(5_000), after: used[1], pacer }, noting);
    expect(scans()).toBe(2);
    expect(used[2]).toBeGreaterThan(used[1]!);
    // A scan newer than its last look will do.
    await shared.decide(ecs, name, { now: () => later(6_000), after: used[1], pacer }, noting);
    expect(scans()).toBe(2);
  });

  it('reads a decision\'s clock when its turn comes: one queued behind a long decision does not take a scan that has aged past the bound meanwhile', async () => {
    const { name } = cluster();
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    let clock = T0.getTime();
    const now = () => new Date(clock);
    const seen: InstanceScan[] = [];
    const turns: Date[] = [];
    const long = shared.decide(ecs, name, { now, pacer }, async (scan) => {
      // Throttled starts, say: the decision holds the cluster's turn for 61 s.
      clock += 61_000;
      return { value: undefined, instances: scan.instances, stale: false };
    });
    const queued = shared.decide(ecs, name, { now, pacer }, async (scan, turn) => {
      seen.push(scan);
      turns.push(turn.now);
      return { value: undefined, instances: scan.instances, stale: false };
    });
    await Promise.all([long, queued]);

    expect(scans()).toBe(2);
    expect(seen[0]!.scannedAt).toEqual(later(61_000));
    // It plans with the clock of its turn, not of its asking.
    expect(turns).toEqual([later(61_000)]);
  });

  it('hands each decision the instances as the earlier ones left them: their reservations are carried', async () => {
    const { name, arns } = cluster(1);
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    await shared.decide(ecs, name, { now: () => T0, pacer }, async (scan) => ({
      value: undefined,
      instances: scan.instances.map((instance) => ({ ...instance, remainingCpu: instance.remainingCpu - 256 })),
      stale: false,
    }));
    const seen: InstanceScan[] = [];
    await shared.decide(ecs, name, { now: () => later(1_000), pacer }, look(seen));

    expect(seen[0]!.instances.map((instance) => [instance.arn, instance.remainingCpu])).toEqual([[arns[0], 1024 - 256]]);
    expect(scans()).toBe(1);
  });

  it('scans again after a decision whose view is in doubt (stale), and after a decision that failed', async () => {
    const { name } = cluster();
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    const seen: InstanceScan[] = [];
    await shared.decide(ecs, name, { now: () => T0, pacer }, look(seen, true));
    await shared.decide(ecs, name, { now: () => later(1_000), pacer }, look(seen));
    expect(scans()).toBe(2);

    await expect(shared.decide(ecs, name, { now: () => later(2_000), pacer }, () => Promise.reject(new Error('a start\'s answer was lost')))).rejects.toThrow('lost');
    await shared.decide(ecs, name, { now: () => later(3_000), pacer }, look(seen));
    expect(scans()).toBe(3);
  });

  it('runs the decisions on one cluster one after another, each after the one before has handed back', async () => {
    const { name } = cluster();
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    const order: string[] = [];
    let release!: () => void;
    let begun!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const firstBegun = new Promise<void>((resolve) => (begun = resolve));
    const first = shared.decide(ecs, name, { now: () => T0, pacer }, async (scan) => {
      order.push('first begins');
      begun();
      await held;
      order.push('first ends');
      return { value: undefined, instances: scan.instances, stale: false };
    });
    const second = shared.decide(ecs, name, { now: () => T0, pacer }, async (scan) => {
      order.push('second begins');
      return { value: undefined, instances: scan.instances, stale: false };
    });
    // The scan is fresh, so only the turn can hold the second back.
    await firstBegun;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first begins']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first begins', 'first ends', 'second begins']);
  });

  it('with a bound of 0 never reuses a scan', async () => {
    const { name } = cluster();
    const shared = new SharedScans({ maxAgeMs: 0 });
    const ecs = schedulerClient(emulator);
    const seen: InstanceScan[] = [];
    await shared.decide(ecs, name, { now: () => T0, pacer }, look(seen));
    await shared.decide(ecs, name, { now: () => T0, pacer }, look(seen));
    expect(scans()).toBe(2);
  });
});
