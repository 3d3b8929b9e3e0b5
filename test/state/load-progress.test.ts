import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCluster, startEmulator, type Emulator } from '../../emulator/index.js';
import { loadSnapshot, type LoadProgress } from '../../shared/state/load.js';
import { forgetTaskDefinitions } from '../../shared/state/task-definitions.js';
import { schedulerClient } from '../support/emulator.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 5 });
  seedCluster(emulator, { cluster: 'progress', instances: 250, tasks: 420 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.calls.reset();
  forgetTaskDefinitions();
});

describe('loadSnapshot onProgress', () => {
  it('reports after every call, with running totals that end at what was loaded', async () => {
    const reports: LoadProgress[] = [];
    const snapshot = await loadSnapshot(schedulerClient(emulator), 'progress', { kind: 'all' }, { onProgress: (p) => reports.push(p) });

    // One report per call that answered (nothing failed or was retried here).
    expect(reports).toHaveLength(emulator.calls.total());
    expect(reports.map((r) => r.call)).toEqual(
      expect.arrayContaining(['DescribeClusters', 'ListContainerInstances page 3', 'DescribeContainerInstances for page 3', 'ListTasks page 5', 'DescribeTasks for page 5']),
    );
    for (const [i, report] of reports.entries()) {
      if (i === 0) continue;
      expect(report.instances).toBeGreaterThanOrEqual(reports[i - 1]!.instances);
      expect(report.tasks).toBeGreaterThanOrEqual(reports[i - 1]!.tasks);
    }
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ instances: snapshot.instances().length, tasks: snapshot.tasks().length });
    expect([last.instances, last.tasks]).toEqual([250, 420]);
    // The cluster's own counts, from DescribeClusters, are the bar's total.
    expect(last.expected).toEqual({ instances: 250, tasks: 420 });
    expect(reports.find((r) => r.call === 'DescribeClusters')?.expected).toEqual({ instances: 250, tasks: 420 });
  });

  it('changes nothing about the load: the same calls, and a callback that throws is ignored', async () => {
    const ecs = schedulerClient(emulator);
    await loadSnapshot(ecs, 'progress', { kind: 'all' });
    const without = emulator.calls.byOperation();
    emulator.calls.reset();
    forgetTaskDefinitions();

    let calls = 0;
    const snapshot = await loadSnapshot(ecs, 'progress', { kind: 'all' }, {
      onProgress: () => {
        calls += 1;
        throw new Error('a broken progress bar');
      },
    });
    expect(calls).toBeGreaterThan(0);
    expect(emulator.calls.byOperation()).toEqual(without);
    expect(snapshot.tasks()).toHaveLength(420);
  });
});
