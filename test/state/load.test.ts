import { ListTasksCommand, StartTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import initSqlJs from 'sql.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCluster, startEmulator, type Emulator } from '../../emulator/index.js';
import { ClusterNotFoundError, SnapshotLoadError } from '../../shared/state/errors.js';
import { loadSnapshot } from '../../shared/state/load.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { schedulerClient } from '../support/emulator.js';

/** The emulator's clock: the real one, except that it can stand still (while a test spends a bucket). */
const time = {
  pausedAt: undefined as number | undefined,
  pausedFor: 0,
  now: () => time.pausedAt ?? Date.now() - time.pausedFor,
  pause: () => (time.pausedAt = time.now()),
  resume: () => {
    time.pausedFor = Date.now() - time.pausedAt!;
    time.pausedAt = undefined;
  },
};

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 7, clock: time.now });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.setThrottling(false);
  emulator.calls.reset();
});

describe('loadSnapshot against the emulator', () => {
  it('reads a cluster of several pages: every instance and, for scope all, every task', async () => {
    const seeded = seedCluster(emulator, { cluster: 'big', instances: 250, tasks: 420, daemon: { family: 'agent', startedBy: 'daemon/agent' } });
    const ecs = schedulerClient(emulator);
    const snapshot = await loadSnapshot(ecs, 'big', { kind: 'all' });

    expect(snapshot.cluster).toEqual({ arn: seeded.clusterArn, name: 'big', status: 'ACTIVE' });
    expect(snapshot.instances().map((i) => i.arn).sort()).toEqual([...seeded.instanceArns].sort());
    expect(snapshot.tasks().map((t) => t.arn).sort()).toEqual([...seeded.taskArns, ...seeded.daemonTaskArns].sort());
    // 3 pages of instances, 7 of tasks (670), each described in one call per page.
    expect(emulator.calls.byOperation()).toMatchObject({
      ListContainerInstances: 3,
      DescribeContainerInstances: 3,
      ListTasks: 7,
      DescribeTasks: 7,
    });
  });

  it('loads only the scope it is asked for, by startedBy or by family', async () => {
    seedCluster(emulator, { cluster: 'scoped', instances: 120, tasks: 200, daemon: { family: 'agent', startedBy: 'daemon/agent' } });
    const ecs = schedulerClient(emulator);

    const daemon = await loadSnapshot(ecs, 'scoped', { kind: 'startedBy', startedBy: 'daemon/agent' });
    expect(daemon.tasks()).toHaveLength(120);
    expect(new Set(daemon.tasks().map((t) => t.startedBy))).toEqual(new Set(['daemon/agent']));
    expect(daemon.instances()).toHaveLength(120);

    const family = await loadSnapshot(ecs, 'scoped', { kind: 'family', family: 'agent' });
    expect(family.tasks()).toHaveLength(120);

    const stoppedArn = family.tasks()[0]!.arn;
    emulator.admin.stopTask(stoppedArn);
    await emulator.admin.settle();
    const withStopped = await loadSnapshot(ecs, 'scoped', { kind: 'family', family: 'agent', includeStopped: true });
    expect(withStopped.tasks()).toHaveLength(120);
    expect(withStopped.task(stoppedArn)).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    expect((await loadSnapshot(ecs, 'scoped', { kind: 'family', family: 'agent' })).tasks()).toHaveLength(119);

    emulator.calls.reset();
    const none = await loadSnapshot(ecs, 'scoped', { kind: 'none' });
    expect(none.tasks()).toEqual([]);
    expect(emulator.calls.count('ListTasks')).toBe(0);
  });

  it('keeps what ECS says about DRAINING and INACTIVE instances and disconnected agents', async () => {
    emulator.admin.createCluster('states');
    const spec = { cluster: 'states', cpu: 2048, memory: 4096 };
    const active = emulator.admin.registerInstance(spec);
    const draining = emulator.admin.registerInstance(spec);
    const gone = emulator.admin.registerInstance(spec);
    const lost = emulator.admin.registerInstance({ ...spec, agentConnected: false });
    emulator.admin.drainInstance(draining);
    emulator.admin.deregisterInstance(gone);

    const snapshot = await loadSnapshot(schedulerClient(emulator), 'states', { kind: 'none' });
    const statusOf = (arn: string) => snapshot.instance(arn)?.status;
    expect(statusOf(active)).toBe('ACTIVE');
    expect(statusOf(draining)).toBe('DRAINING');
    // ListContainerInstances leaves INACTIVE instances out unless asked for them.
    expect(snapshot.instance(gone)).toBeUndefined();
    expect(snapshot.instance(lost)?.agentConnected).toBe(false);
    expect(snapshot.instance(active)?.agentConnected).toBe(true);
    expect(snapshot.instances()).toHaveLength(3);
  });

  it('accounts ports and task sizes the way ECS reserves them', async () => {
    emulator.admin.createCluster('sizes');
    const instance = emulator.admin.registerInstance({ cluster: 'sizes', cpu: 4096, memory: 8192 });
    const taskLevel = emulator.admin.registerTaskDefinition({
      family: 'task-level',
      cpu: '1 vCPU',
      memory: '2 GB',
      containerDefinitions: [{ name: 'a', image: 'a', cpu: 10, memory: 10, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
    });
    const containerLevel = emulator.admin.registerTaskDefinition({
      family: 'container-level',
      containerDefinitions: [
        { name: 'a', image: 'a', cpu: 256, memory: 512, memoryReservation: 300, portMappings: [{ containerPort: 53, hostPort: 5353, protocol: 'udp' }] },
        { name: 'b', image: 'b', memory: 100 },
      ],
    });
    const ecs = schedulerClient(emulator);
    for (const taskDefinition of [taskLevel, containerLevel]) {
      await ecs.send(new StartTaskCommand({ cluster: 'sizes', taskDefinition, containerInstances: [instance] }));
    }
    await emulator.admin.settle();

    const snapshot = await loadSnapshot(ecs, 'sizes', { kind: 'all' });
    const loaded = snapshot.instance(instance)!;
    expect(loaded).toMatchObject({ remainingCpu: 4096 - 1024 - 256, remainingMemory: 8192 - 2048 - 400, runningTasksCount: 2 });
    expect(loaded.tcpPortsInUse).toContain(8080);
    expect(loaded.udpPortsInUse).toEqual([5353]);
    const sizes = snapshot.tasks().map((t) => [t.family, t.cpu, t.memory, t.lastStatus]).sort();
    expect(sizes).toEqual([
      ['container-level', 256, 400, 'RUNNING'],
      ['task-level', 1024, 2048, 'RUNNING'],
    ]);
    expect(snapshot.taskDefinition(taskLevel)?.requirements).toEqual({ cpu: 1024, memory: 2048, tcpPorts: [8080], udpPorts: [] });
  });

  it('records the last status, not the desired one, and leaves out tasks being stopped', async () => {
    emulator.admin.createCluster('stopping');
    const instance = emulator.admin.registerInstance({ cluster: 'stopping', cpu: 1024, memory: 1024 });
    const leaving = emulator.admin.occupy(instance, { cpu: 128, memory: 128 });
    const starter = emulator.admin.registerTaskDefinition({ family: 'starter', containerDefinitions: [{ name: 's', image: 's', cpu: 256, memory: 128 }] });
    await emulator.admin.settle();
    const release = emulator.admin.holdTransitions();
    try {
      const ecs = schedulerClient(emulator);
      await ecs.send(new StopTaskCommand({ cluster: 'stopping', task: leaving }));
      const { tasks } = await ecs.send(
        new StartTaskCommand({ cluster: 'stopping', taskDefinition: starter, containerInstances: [instance] }),
      );
      const snapshot = await loadSnapshot(ecs, 'stopping', { kind: 'all' });
      // ListTasks lists RUNNING-desired tasks: the new one, still PENDING, and not the one stopping.
      expect(snapshot.tasks().map((t) => [t.arn, t.lastStatus, t.desiredStatus])).toEqual([[tasks![0]!.taskArn, 'PENDING', 'RUNNING']]);
      // The stopping task still holds its resources until it has STOPPED.
      expect(snapshot.instance(instance)?.remainingCpu).toBe(1024 - 128 - 256);
    } finally {
      release();
      await emulator.admin.settle();
    }
  });

  it('fails the whole load, naming the call, when a page keeps failing', async () => {
    seedCluster(emulator, { cluster: 'flaky', instances: 150, tasks: 250 });
    const remove = emulator.failCalls({ operation: 'DescribeTasks', status: 500 });
    try {
      const ecs = schedulerClient(emulator, 3);
      const error = await loadSnapshot(ecs, 'flaky', { kind: 'all' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SnapshotLoadError);
      expect((error as Error).message).toMatch(/^Loading cluster "flaky" failed: DescribeTasks for page \d failed after 3 attempt\(s\): ServerException/);
    } finally {
      remove();
    }
  });

  it('recovers from a passing failure through the SDK retries, with nothing missing', async () => {
    seedCluster(emulator, { cluster: 'blip', instances: 30, tasks: 60 });
    const remove = emulator.failCalls({ operation: 'DescribeContainerInstances', times: 2 });
    try {
      const snapshot = await loadSnapshot(schedulerClient(emulator), 'blip', { kind: 'all' });
      expect(snapshot.instances()).toHaveLength(30);
      expect(snapshot.tasks()).toHaveLength(60);
      // One page of instances: two failed attempts, then the one that answered.
      expect(emulator.calls.count('DescribeContainerInstances')).toBe(3);
    } finally {
      remove();
    }
  });

  it('names an unknown cluster', async () => {
    const error = await loadSnapshot(schedulerClient(emulator), 'no-such-cluster', { kind: 'none' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterNotFoundError);
    expect((error as Error).message).toBe('Cluster "no-such-cluster" was not found: check the name and the Region');
  });

  it('absorbs throttling: when another caller has spent the read bucket, the SDK retries and no page is lost', async () => {
    seedCluster(emulator, { cluster: 'throttled', instances: 40, tasks: 120 });
    emulator.setThrottling(true);
    const other = schedulerClient(emulator, 1);
    // Another scheduler in the account spends the whole burst of 100 reads (time stands still
    // meanwhile, so the bucket cannot refill however slowly the machine answers).
    time.pause();
    const spent = await Promise.allSettled(Array.from({ length: 110 }, () => other.send(new ListTasksCommand({ cluster: 'throttled' }))));
    time.resume();
    expect(spent.filter((r) => r.status === 'rejected').length).toBeGreaterThanOrEqual(10);

    emulator.calls.reset();
    const snapshot = await loadSnapshot(schedulerClient(emulator), 'throttled', { kind: 'all' }, { pacer: new ReadPacer() });
    expect(snapshot.instances()).toHaveLength(40);
    expect(snapshot.tasks()).toHaveLength(120);
    // One page each would do; the extra calls are the SDK's retries of throttled attempts.
    const reads = ['ListContainerInstances', 'DescribeContainerInstances', 'ListTasks', 'DescribeTasks'];
    expect(reads.reduce((sum, op) => sum + emulator.calls.count(op), 0)).toBeGreaterThan(reads.length);
  });

  it('exports a database the sqlite3 format reads back, rows intact', async () => {
    seedCluster(emulator, { cluster: 'export', instances: 12, tasks: 30 });
    const snapshot = await loadSnapshot(schedulerClient(emulator), 'export', { kind: 'all' });
    const SQL = await initSqlJs();
    const reopened = new SQL.Database(snapshot.export());
    const [counts] = reopened.exec(
      `SELECT (SELECT count(*) FROM container_instances), (SELECT count(*) FROM tasks),
              (SELECT count(DISTINCT instance_arn) FROM instance_attributes WHERE name = 'ecs.availability-zone')`,
    );
    expect(counts?.values).toEqual([[12, 30, 12]]);
  });
});
