import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../shared/state/snapshot.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

async function snapshotWith(...instances: ReturnType<typeof instanceFixture>[]): Promise<Snapshot> {
  const snapshot = await Snapshot.create(CLUSTER, { kind: 'all' });
  snapshot.putInstances(instances);
  return snapshot;
}

const NO_PORTS = { tcpPorts: [], udpPorts: [] };

describe('Snapshot.reserve', () => {
  it('books a started task on its instance, so the next placement sees the capacity and ports as taken', async () => {
    const snapshot = await snapshotWith(instanceFixture('a', { remainingCpu: 1024, remainingMemory: 1024 }));
    const arn = instanceFixture('a').arn;
    const after = snapshot.reserve(arn, { cpu: 600, memory: 500, tcpPorts: [9000], udpPorts: [53] });
    expect(after).toMatchObject({ remainingCpu: 424, remainingMemory: 524, pendingTasksCount: 1 });
    expect(after.tcpPortsInUse).toContain(9000);
    expect(after.udpPortsInUse).toEqual([53]);
    expect(snapshot.instance(arn)).toBe(after);
  });

  it('refuses an instance the snapshot does not hold', async () => {
    const snapshot = await snapshotWith();
    expect(() => snapshot.reserve('arn:unknown', { cpu: 1, memory: 1, ...NO_PORTS })).toThrow(/not in the snapshot/);
  });
});

describe('Snapshot tasks and SQL', () => {
  it('filters tasks by startedBy, prefix, family and instance', async () => {
    const snapshot = await snapshotWith(instanceFixture('a'));
    const a = instanceFixture('a').arn;
    snapshot.putTasks([
      taskFixture('t1', { startedBy: 'cron/nightly/1', containerInstanceArn: a }),
      taskFixture('t2', { startedBy: 'cron/nightly/2', family: 'batch' }),
      taskFixture('t3', { startedBy: 'cron/nightly_%' }),
      taskFixture('t4'),
    ]);
    const ids = (tasks: { arn: string }[]) => tasks.map((t) => t.arn.split('/').pop());
    expect(ids(snapshot.tasks({ startedBy: 'cron/nightly/1' }))).toEqual(['t1']);
    expect(ids(snapshot.tasks({ startedByPrefix: 'cron/nightly/' }))).toEqual(['t1', 't2']);
    expect(ids(snapshot.tasks({ startedByPrefix: 'cron/nightly_' }))).toEqual(['t3']);
    expect(ids(snapshot.tasks({ family: 'batch' }))).toEqual(['t2']);
    expect(ids(snapshot.tasks({ containerInstanceArn: a }))).toEqual(['t1']);
    snapshot.putTasks([
      taskFixture('stopping', { desiredStatus: 'STOPPED', lastStatus: 'RUNNING' }),
      taskFixture('deprovisioning', { lastStatus: 'DEPROVISIONING' }),
    ]);
    expect(ids(snapshot.tasks({ live: true }))).toEqual(['t1', 't2', 't3', 't4']);
    expect(snapshot.tasks()).toHaveLength(6);
  });

  it('gives tasks oldest first, a task without a creation time before the rest, then by ARN', async () => {
    const snapshot = await snapshotWith();
    const at = (iso: string) => new Date(iso);
    snapshot.putTasks([
      taskFixture('late', { createdAt: at('2026-01-02T00:00:00Z') }),
      taskFixture('b-early', { createdAt: at('2026-01-01T00:00:00Z') }),
      taskFixture('a-early', { createdAt: at('2026-01-01T00:00:00Z') }),
      taskFixture('unknown', { createdAt: undefined }),
    ]);
    const ids = snapshot.tasks().map((t) => t.arn.split('/').pop());
    expect(ids).toEqual(['unknown', 'a-early', 'b-early', 'late']);
    // The order SQL gives the same rows, so `ecs-sched query` and the rules see one sequence.
    expect(snapshot.query<{ arn: string }>('SELECT arn FROM tasks ORDER BY created_at, arn').map((r) => r.arn.split('/').pop())).toEqual(ids);
  });

  it('answers SQL with what the objects hold, before and after later writes', async () => {
    const snapshot = await snapshotWith(instanceFixture('a', { remainingCpu: 1024 }));
    const arn = instanceFixture('a').arn;
    snapshot.putTasks([taskFixture('t1', { containerInstanceArn: arn })]);
    const cpu = () => snapshot.query<{ remaining_cpu: number }>('SELECT remaining_cpu FROM container_instances WHERE arn = ?', [arn]);
    expect(cpu()).toEqual([{ remaining_cpu: 1024 }]);
    snapshot.reserve(arn, { cpu: 256, memory: 0, ...NO_PORTS });
    snapshot.putTasks([taskFixture('t2', { containerInstanceArn: arn })]);
    snapshot.putInstances([instanceFixture('b')]);
    expect(cpu()).toEqual([{ remaining_cpu: 768 }]);
    expect(snapshot.query('SELECT arn FROM tasks')).toHaveLength(snapshot.tasks().length);
    expect(snapshot.query('SELECT arn FROM container_instances')).toHaveLength(snapshot.instances().length);
  });

  it('answers SQL with bound parameters', async () => {
    const snapshot = await snapshotWith(
      instanceFixture('a', { attributes: new Map([['stack', 'prod']]) }),
      instanceFixture('b', { attributes: new Map([['stack', "prod' OR '1'='1"]]) }),
    );
    const rows = snapshot.query<{ ec2_instance_id: string }>(
      `SELECT ci.ec2_instance_id FROM container_instances ci
       JOIN instance_attributes a ON a.instance_arn = ci.arn WHERE a.name = ? AND a.value = ?`,
      ['stack', 'prod'],
    );
    expect(rows).toEqual([{ ec2_instance_id: 'i-a' }]);
  });

  it('exports an SQLite file that opens with every row', async () => {
    const snapshot = await snapshotWith(instanceFixture('a'), instanceFixture('b'));
    snapshot.putTasks([taskFixture('t1', { containerInstanceArn: instanceFixture('a').arn })]);
    const SQL = await initSqlJs();
    const reopened = new SQL.Database(snapshot.export());
    const [result] = reopened.exec(
      'SELECT (SELECT count(*) FROM container_instances), (SELECT count(*) FROM tasks), (SELECT count(*) FROM instance_ports)',
    );
    expect(result?.values).toEqual([[2, 1, 10]]);
  });
});
