import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { applyPlan } from '../../shared/ecs/apply.js';
import { place } from '../../shared/placement/placer.js';
import type { PlacementStrategy } from '../../shared/placement/types.js';
import type { Launch, Plan, PlannedStart } from '../../shared/rules/plan.js';
import { loadSnapshot } from '../../shared/state/load.js';
import type { Snapshot } from '../../shared/state/snapshot.js';
import { schedulerClient } from '../support/emulator.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 3 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.setCompetitor(undefined);
  emulator.calls.reset();
});

let clusters = 0;
/** A fresh cluster of `count` instances of 1 vCPU / 2 GiB, and a task definition of 256 CPU / 512 MiB. */
function cluster(count: number): { name: string; instances: string[]; taskDefinition: string } {
  clusters += 1;
  const name = `apply-${clusters}`;
  emulator.admin.createCluster(name);
  const instances = Array.from({ length: count }, () => emulator.admin.registerInstance({ cluster: name, cpu: 1024, memory: 2048 }));
  const taskDefinition = emulator.admin.registerTaskDefinition({
    family: 'job',
    containerDefinitions: [{ name: 'job', image: 'job', cpu: 256, memory: 512 }],
  });
  return { name, instances, taskDefinition };
}

const BINPACK: PlacementStrategy[] = [{ type: 'binpack', field: 'memory' }];

/** What a cron-like rule would plan: `count` copies placed by the engine, re-placeable on conflict. */
function placedStarts(snapshot: Snapshot, launch: Launch, count: number): PlannedStart[] {
  const definition = snapshot.taskDefinition(launch.taskDefinitionArn)!;
  const { placements } = place(snapshot, { requirements: definition.requirements, count, strategy: BINPACK });
  return placements.map((instance) => ({
    launch,
    containerInstanceArn: instance.arn,
    reason: 'test',
    placement: { constraints: [], strategy: BINPACK, peers: { startedBy: launch.startedBy } },
  }));
}

function overCommitted(name: string): string[] {
  return emulator.admin
    .listInstances(name)
    .filter((i) => i.remaining.cpu < 0 || i.remaining.memory < 0)
    .map((i) => i.arn);
}

describe('applyPlan against the emulator', () => {
  it('starts identical copies in StartTask calls of at most 10 instances', async () => {
    const { name, taskDefinition } = cluster(25);
    const ecs = schedulerClient(emulator);
    const snapshot = await loadSnapshot(ecs, name, { kind: 'none' }, { taskDefinitions: [taskDefinition] });
    const launch: Launch = { taskDefinitionArn: taskDefinition, startedBy: 'daemon/batching', group: 'daemon/batching', tags: { team: 'platform' } };
    const plan: Plan = {
      starts: snapshot.instances().map((i) => ({ launch, containerInstanceArn: i.arn, reason: 'has no copy' })),
      stops: [],
    };
    const result = await applyPlan(ecs, snapshot, plan);

    expect(result.started).toHaveLength(25);
    expect(result.failed).toEqual([]);
    expect(emulator.calls.count('StartTask')).toBe(3);
    const tasks = emulator.admin.listTasks(name, { startedBy: 'daemon/batching' });
    expect(tasks).toHaveLength(25);
    expect(tasks[0]).toMatchObject({ group: 'daemon/batching', tags: [{ key: 'team', value: 'platform' }] });
    // The snapshot books what it started, so later decisions in the invocation see it.
    expect(snapshot.tasks({ startedBy: 'daemon/batching' })).toHaveLength(25);
    expect(snapshot.instance(plan.starts[0]!.containerInstanceArn)).toMatchObject({ remainingCpu: 768, remainingMemory: 1536 });
  });

  it('converges when a competitor steals the chosen capacity: refresh, next candidate, nothing over-committed', async () => {
    const { name, taskDefinition } = cluster(6);
    const ecs = schedulerClient(emulator);
    const snapshot = await loadSnapshot(ecs, name, { kind: 'none' }, { taskDefinitions: [taskDefinition] });
    const launch: Launch = { taskDefinitionArn: taskDefinition, startedBy: 'cron/steal/1' };
    const plan: Plan = { starts: placedStarts(snapshot, launch, 4), stops: [] };
    // Binpack sends all four copies to one instance; the competitor fills each instance the
    // first time we aim at it, between our read and our StartTask.
    expect(new Set(plan.starts.map((s) => s.containerInstanceArn)).size).toBe(1);
    const stolen = new Set<string>();
    emulator.setCompetitor(({ containerInstanceArn }) => {
      if (stolen.has(containerInstanceArn) || stolen.size >= 2) return;
      stolen.add(containerInstanceArn);
      emulator.admin.occupy(containerInstanceArn, { cpu: 1024, memory: 2048, family: 'competitor' });
    });

    const result = await applyPlan(ecs, snapshot, plan);

    expect(result.started).toHaveLength(4);
    expect(result.failed).toEqual([]);
    expect(result.refreshFailed).toBeUndefined();
    expect(result.started.every((s) => !stolen.has(s.containerInstanceArn ?? ''))).toBe(true);
    expect(overCommitted(name)).toEqual([]);
    expect(emulator.admin.listTasks(name, { startedBy: 'cron/steal/1' })).toHaveLength(4);
    // Binpack stacks all four copies on one instance, so they go in four calls, one after another.
    // A refusal stops the rest of the round for that instance: one call for each stolen
    // instance, then four for the copies, six in all, and exactly two conflicts met.
    expect(emulator.calls.count('StartTask')).toBe(6);
    expect(result.conflicts).toBe(2);
  });

  it('gives up after the bounded number of retries and says why', async () => {
    const { name, taskDefinition } = cluster(8);
    const ecs = schedulerClient(emulator);
    const snapshot = await loadSnapshot(ecs, name, { kind: 'none' }, { taskDefinitions: [taskDefinition] });
    const launch: Launch = { taskDefinitionArn: taskDefinition, startedBy: 'cron/starved/1' };
    emulator.setCompetitor(({ containerInstanceArn }) => {
      const free = emulator.admin.describeInstance(containerInstanceArn).remaining;
      if (free.cpu > 0) emulator.admin.occupy(containerInstanceArn, { cpu: free.cpu, memory: free.memory, family: 'competitor' });
    });

    const result = await applyPlan(ecs, snapshot, { starts: placedStarts(snapshot, launch, 1), stops: [] }, { maxConflictRetries: 2 });

    expect(result.started).toEqual([]);
    expect(result.failed).toEqual([expect.objectContaining({ action: 'start', reason: 'RESOURCE:CPU', startedBy: 'cron/starved/1' })]);
    expect(result.conflicts).toBe(3);
    expect(emulator.calls.count('StartTask')).toBe(3);
    expect(overCommitted(name)).toEqual([]);
  });

  it('does not move a pinned copy (a daemon) when its instance refuses it', async () => {
    const { name, instances, taskDefinition } = cluster(2);
    emulator.admin.occupy(instances[0]!, { cpu: 1000, memory: 100 });
    await emulator.admin.settle();
    const ecs = schedulerClient(emulator);
    // The snapshot predates the outside task: our plan still thinks instance 0 is empty.
    const snapshot = await loadSnapshot(ecs, name, { kind: 'none' }, { taskDefinitions: [taskDefinition] });
    snapshot.putInstances([{ ...snapshot.instance(instances[0]!)!, remainingCpu: 1024 }]);
    const launch: Launch = { taskDefinitionArn: taskDefinition, startedBy: 'daemon/pinned' };
    const result = await applyPlan(ecs, snapshot, { starts: [{ launch, containerInstanceArn: instances[0]!, reason: 'has no copy' }], stops: [] });

    expect(result.started).toEqual([]);
    expect(result.failed).toEqual([expect.objectContaining({ target: instances[0], reason: 'RESOURCE:CPU' })]);
    expect(emulator.admin.listTasks(name, { startedBy: 'daemon/pinned' })).toEqual([]);
    // The refusal refreshed the instance in the snapshot.
    expect(snapshot.instance(instances[0]!)?.remainingCpu).toBe(24);
  });

  it('never retries a StartTask whose answer was lost, and marks its outcome unknown', async () => {
    const { name, taskDefinition } = cluster(1);
    const ecs = schedulerClient(emulator);
    const snapshot = await loadSnapshot(ecs, name, { kind: 'none' }, { taskDefinitions: [taskDefinition] });
    const remove = emulator.failCalls({ operation: 'StartTask', status: 500 });
    try {
      const launch: Launch = { taskDefinitionArn: taskDefinition, startedBy: 'cron/lost/1' };
      const result = await applyPlan(ecs, snapshot, { starts: placedStarts(snapshot, launch, 1), stops: [] });
      expect(result.failed).toEqual([expect.objectContaining({ reason: 'StartOutcomeUnknownError', outcomeUnknown: true })]);
      expect(emulator.calls.count('StartTask')).toBe(1);
    } finally {
      remove();
    }
  });

  it('a Replace whose stop fails starts nothing, so two runs never overlap', async () => {
    const { name, taskDefinition } = cluster(1);
    const ecs = schedulerClient(emulator);
    const snapshot = await loadSnapshot(ecs, name, { kind: 'none' }, { taskDefinitions: [taskDefinition] });
    const launch: Launch = { taskDefinitionArn: taskDefinition, startedBy: 'cron/replace/2' };
    const gone = `arn:aws:ecs:us-east-1:123456789012:task/${name}/${'0'.repeat(32)}`;
    const result = await applyPlan(ecs, snapshot, { starts: placedStarts(snapshot, launch, 1), stops: [{ taskArn: gone, reason: 'replaced by slot 2' }], startsNeedStops: true });

    expect(result.started).toEqual([]);
    expect(result.failed.map((f) => [f.action, f.reason])).toEqual([
      ['stop', expect.any(String)],
      ['start', 'REPLACE_STOP_FAILED'],
    ]);
    expect(emulator.calls.count('StartTask')).toBe(0);
  });

  it('when re-reading a refused instance fails, reports the refused copies instead of throwing', async () => {
    const { name, instances, taskDefinition } = cluster(2);
    const ecs = schedulerClient(emulator, 1);
    const snapshot = await loadSnapshot(ecs, name, { kind: 'none' }, { taskDefinitions: [taskDefinition] });
    const launch: Launch = { taskDefinitionArn: taskDefinition, startedBy: 'cron/refresh/1' };
    // One copy pinned to each instance; the competitor fills the second one first.
    const starts = instances.map((arn) => ({ launch, containerInstanceArn: arn, reason: 'test', placement: { constraints: [], strategy: BINPACK, peers: {} } }));
    emulator.setCompetitor(({ containerInstanceArn }) => {
      if (containerInstanceArn === instances[1]) emulator.admin.occupy(containerInstanceArn, { cpu: 1024, memory: 2048, family: 'competitor' });
    });
    const remove = emulator.failCalls({ operation: 'DescribeContainerInstances', status: 500 });
    try {
      const result = await applyPlan(ecs, snapshot, { starts, stops: [] });
      expect(result.started.map((s) => s.containerInstanceArn)).toEqual([instances[0]]);
      expect(result.failed).toEqual([expect.objectContaining({ target: instances[1], reason: 'RESOURCE:CPU' })]);
      expect(result.conflicts).toBe(1);
      // The snapshot still shows the refused instance as before: whoever keeps it must not trust it.
      expect(result.refreshFailed).toBe(true);
    } finally {
      remove();
    }
  });

  it('stops tasks with the reason, and reports a stop that fails', async () => {
    const { name, instances } = cluster(1);
    const task = emulator.admin.occupy(instances[0]!, { cpu: 100, memory: 100 });
    await emulator.admin.settle();
    const ecs = schedulerClient(emulator);
    const snapshot = await loadSnapshot(ecs, name, { kind: 'all' });
    const missing = task.replace(/[0-9a-f]{32}$/, '0'.repeat(32));
    const result = await applyPlan(ecs, snapshot, {
      starts: [],
      stops: [
        { taskArn: task, reason: 'daemon test: duplicate copy' },
        { taskArn: missing, reason: 'gone already' },
      ],
    });
    await emulator.admin.settle();

    expect(result.stopped).toEqual([{ taskArn: task, reason: 'daemon test: duplicate copy' }]);
    expect(result.failed).toEqual([expect.objectContaining({ action: 'stop', target: missing })]);
    expect(emulator.admin.describeTask(task)).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: 'daemon test: duplicate copy' });
  });
});
