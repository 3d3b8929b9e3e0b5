import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { SharedScans, type Decision } from '../../shared/state/shared-scan.js';
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
    for (const at of [0, 10_000, 59_999]) await shared.decide(ecs, name, { now: later(at), pacer }, look(seen));

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
    await shared.decide(ecs, first.name, { now: T0, pacer }, look(seen));
    await shared.decide(ecs, second.name, { now: T0, pacer }, look(seen));
    await shared.decide(ecs, first.name, { now: later(60_000), pacer }, look(seen));

    expect(scans()).toBe(3);
    expect(seen.map((scan) => [scan.cluster.name, scan.scannedAt])).toEqual([
      [first.name, T0],
      [second.name, T0],
      [first.name, later(60_000)],
    ]);
  });

  it('never reuses a scan not newer than a decision\'s notBefore (a retry sees capacity newer than its last look)', async () => {
    const { name } = cluster();
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    const seen: InstanceScan[] = [];
    await shared.decide(ecs, name, { now: T0, pacer }, look(seen));
    // The scan this retry's own last look used is not newer than that look.
    await shared.decide(ecs, name, { now: later(5_000), notBefore: T0, pacer }, look(seen));
    expect(scans()).toBe(2);
    await shared.decide(ecs, name, { now: later(6_000), notBefore: T0, pacer }, look(seen));
    expect(scans()).toBe(2);
  });

  it('hands each decision the instances as the earlier ones left them: their reservations are carried', async () => {
    const { name, arns } = cluster(1);
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    await shared.decide(ecs, name, { now: T0, pacer }, async (scan) => ({
      value: undefined,
      instances: scan.instances.map((instance) => ({ ...instance, remainingCpu: instance.remainingCpu - 256 })),
      stale: false,
    }));
    const seen: InstanceScan[] = [];
    await shared.decide(ecs, name, { now: later(1_000), pacer }, look(seen));

    expect(seen[0]!.instances.map((instance) => [instance.arn, instance.remainingCpu])).toEqual([[arns[0], 1024 - 256]]);
    expect(scans()).toBe(1);
  });

  it('scans again after a decision whose view is in doubt (stale), and after a decision that failed', async () => {
    const { name } = cluster();
    const shared = new SharedScans();
    const ecs = schedulerClient(emulator);
    const seen: InstanceScan[] = [];
    await shared.decide(ecs, name, { now: T0, pacer }, look(seen, true));
    await shared.decide(ecs, name, { now: later(1_000), pacer }, look(seen));
    expect(scans()).toBe(2);

    await expect(shared.decide(ecs, name, { now: later(2_000), pacer }, () => Promise.reject(new Error('a start\'s answer was lost')))).rejects.toThrow('lost');
    await shared.decide(ecs, name, { now: later(3_000), pacer }, look(seen));
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
    const first = shared.decide(ecs, name, { now: T0, pacer }, async (scan) => {
      order.push('first begins');
      begun();
      await held;
      order.push('first ends');
      return { value: undefined, instances: scan.instances, stale: false };
    });
    const second = shared.decide(ecs, name, { now: T0, pacer }, async (scan) => {
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
    await shared.decide(ecs, name, { now: T0, pacer }, look(seen));
    await shared.decide(ecs, name, { now: T0, pacer }, look(seen));
    expect(scans()).toBe(2);
  });
});
