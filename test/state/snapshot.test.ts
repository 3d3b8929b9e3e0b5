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

describe('Snapshot.findInstances', () => {
  it('keeps only ACTIVE instances with a connected agent and enough CPU and memory', async () => {
    const snapshot = await snapshotWith(
      instanceFixture('fits'),
      instanceFixture('draining', { status: 'DRAINING' }),
      instanceFixture('inactive', { status: 'INACTIVE' }),
      instanceFixture('agent-lost', { agentConnected: false }),
      instanceFixture('low-cpu', { remainingCpu: 100 }),
      instanceFixture('low-memory', { remainingMemory: 100 }),
    );
    const found = snapshot.findInstances({ cpu: 512, memory: 512, ...NO_PORTS });
    expect(found.map((i) => i.ec2InstanceId)).toEqual(['i-fits']);
  });

  it('rejects an instance whose needed TCP or UDP host port is in use, per protocol', async () => {
    const snapshot = await snapshotWith(
      instanceFixture('tcp-busy', { tcpPortsInUse: [22, 8080] }),
      instanceFixture('udp-busy', { udpPortsInUse: [5353] }),
      instanceFixture('free'),
    );
    const tcp = snapshot.findInstances({ cpu: 0, memory: 0, tcpPorts: [8080], udpPorts: [] });
    expect(tcp.map((i) => i.ec2InstanceId).sort()).toEqual(['i-free', 'i-udp-busy']);
    const udp = snapshot.findInstances({ cpu: 0, memory: 0, tcpPorts: [], udpPorts: [5353] });
    expect(udp.map((i) => i.ec2InstanceId).sort()).toEqual(['i-free', 'i-tcp-busy']);
  });

  it('sees its own reservations: a second task that no longer fits is not offered the instance', async () => {
    const snapshot = await snapshotWith(instanceFixture('a', { remainingCpu: 1024, remainingMemory: 1024 }));
    const needs = { cpu: 600, memory: 600, tcpPorts: [9000], udpPorts: [] };
    const [target] = snapshot.findInstances(needs);
    const after = snapshot.reserve(target!.arn, needs);
    expect(after).toMatchObject({ remainingCpu: 424, remainingMemory: 424, pendingTasksCount: 1 });
    expect(after.tcpPortsInUse).toContain(9000);
    expect(snapshot.findInstances({ cpu: 100, memory: 100, tcpPorts: [9000], udpPorts: [] })).toEqual([]);
    expect(snapshot.findInstances({ cpu: 100, memory: 100, ...NO_PORTS })).toHaveLength(1);
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
