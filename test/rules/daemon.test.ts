import { describe, expect, it } from 'vitest';
import { reconcileDaemon } from '../../shared/rules/daemon/reconcile.js';
import { daemonKey, unavailableBudget, type DaemonRule } from '../../shared/rules/daemon/rule.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import type { ContainerInstance, Task, TaskDefinitionInfo } from '../../shared/state/types.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

const RULE: DaemonRule = { name: 'node-exporter', cluster: 'test', taskDefinition: 'exporter' };
const KEY = daemonKey(RULE);

function definition(revision: number): TaskDefinitionInfo {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task-definition/exporter:${revision}`,
    family: 'exporter',
    revision,
    networkMode: 'host',
    requirements: { cpu: 128, memory: 256, tcpPorts: [9100], udpPorts: [] },
    containerNames: ['exporter'],
    essentialContainers: ['exporter'],
    taskRoleArn: undefined,
    executionRoleArn: undefined,
  };
}
const V1 = definition(1);
const V2 = definition(2);

let serial = 0;
function copy(instance: ContainerInstance, overrides: Partial<Task> = {}): Task {
  serial += 1;
  return taskFixture(`copy-${serial}`, {
    containerInstanceArn: instance.arn,
    startedBy: KEY,
    group: KEY,
    family: 'exporter',
    revision: 1,
    taskDefinitionArn: V1.arn,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, serial)),
    ...overrides,
  });
}

async function reconcile(instances: ContainerInstance[], tasks: Task[], rule: DaemonRule = RULE, target = V1) {
  const snapshot = await Snapshot.create(CLUSTER, { kind: 'startedBy', startedBy: KEY });
  snapshot.putInstances(instances);
  snapshot.putTasks(tasks);
  return reconcileDaemon(snapshot, rule, target);
}

const startsOn = (plan: { starts: { containerInstanceArn: string }[] }) => plan.starts.map((s) => s.containerInstanceArn.split('/').pop());
const stopped = (plan: { stops: { taskArn: string }[] }) => plan.stops.map((s) => s.taskArn.split('/').pop());

describe('reconcileDaemon', () => {
  it('starts a copy on a new instance, with the rule key as startedBy and group, tagged with its rule', async () => {
    const a = instanceFixture('a');
    const fresh = instanceFixture('new');
    const plan = await reconcile([a, fresh], [copy(a, { arn: 'arn:aws:ecs:us-east-1:123456789012:task/test/on-a' })]);
    expect(startsOn(plan)).toEqual(['new']);
    expect(plan.starts[0]!.launch).toMatchObject({ taskDefinitionArn: V1.arn, startedBy: KEY, group: KEY });
    expect(plan.starts[0]!.launch.tags).toEqual({ 'ecs-schedulers:rule': KEY });
    expect(plan.starts[0]!.placement).toBeUndefined(); // a refusal must not move the copy elsewhere
    expect(plan.stops).toEqual([]);
    expect(plan.coverage).toMatchObject({ desired: 2, current: 1, upToDate: 1, available: 1, unavailable: 1, misscheduled: 0 });
  });

  it('leaves the copy on a draining instance running and places nothing there', async () => {
    const draining = instanceFixture('draining', { status: 'DRAINING' });
    const plan = await reconcile([draining, instanceFixture('b')], [copy(draining, { arn: 'x/keep' })]);
    expect(stopped(plan)).toEqual([]);
    expect(startsOn(plan)).toEqual(['b']);
    expect(plan.coverage.desired).toBe(1);
  });

  it('stops a copy whose instance was deregistered (no longer listed)', async () => {
    const gone = instanceFixture('gone');
    const plan = await reconcile([instanceFixture('a')], [copy(gone, { arn: 'x/orphan' })]);
    expect(stopped(plan)).toEqual(['orphan']);
    expect(plan.stops[0]!.reason).toContain('no longer registered');
  });

  it('starts a new copy where the daemon task stopped or is stopping', async () => {
    const a = instanceFixture('a');
    const b = instanceFixture('b');
    const plan = await reconcile([a, b], [
      copy(a, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }),
      copy(b, { lastStatus: 'RUNNING', desiredStatus: 'STOPPED' }),
    ]);
    expect(startsOn(plan).sort()).toEqual(['a', 'b']);
    expect(plan.coverage).toMatchObject({ desired: 2, current: 0, available: 0, unavailable: 2 });
  });

  it('stops duplicates, keeping the oldest running copy', async () => {
    const a = instanceFixture('a');
    const plan = await reconcile([a], [
      copy(a, { arn: 'x/pending-oldest', lastStatus: 'PENDING', createdAt: new Date('2026-01-01T00:00:00Z') }),
      copy(a, { arn: 'x/running-old', createdAt: new Date('2026-01-01T00:01:00Z') }),
      copy(a, { arn: 'x/running-new', createdAt: new Date('2026-01-01T00:02:00Z') }),
    ]);
    expect(stopped(plan).sort()).toEqual(['pending-oldest', 'running-new']);
    expect(plan.stops[0]!.reason).toContain('keeping x/running-old');
    expect(plan.stops.every((stop) => stop.awaitsReplacement === undefined)).toBe(true);
    expect(plan.starts).toEqual([]);
  });

  it('stops the copy on an instance that no longer matches the constraint (misscheduled)', async () => {
    const prod = instanceFixture('prod', { attributes: new Map([['stack', 'prod']]) });
    const staging = instanceFixture('staging', { attributes: new Map([['stack', 'staging']]) });
    const plan = await reconcile([prod, staging], [copy(prod, { arn: 'x/ok' }), copy(staging, { arn: 'x/misplaced' })], {
      ...RULE,
      constraint: 'attribute:stack == prod',
    });
    expect(stopped(plan)).toEqual(['misplaced']);
    expect(plan.starts).toEqual([]);
    expect(plan.coverage).toMatchObject({ desired: 1, current: 1, misscheduled: 1 });
  });

  describe('a changed constraint (misscheduled copies)', () => {
    const linux = new Map([['ecs.os-type', 'linux']]);
    const fleet = Array.from({ length: 12 }, (_, i) => instanceFixture(`m${i}`, { attributes: i < 4 ? new Map([...linux, ['tier', 'gpu']]) : linux }));
    const copies = () => fleet.map((instance, i) => copy(instance, { arn: `x/copy-${i}` }));

    it('stops them at the maxUnavailable pace, oldest first, counting every instance served', async () => {
      const plan = await reconcile(fleet, copies(), { ...RULE, maxUnavailable: '25%', constraint: 'attribute:tier == gpu' });
      expect(stopped(plan)).toEqual(['copy-4', 'copy-5', 'copy-6']);
      expect(plan.stops[0]!.reason).toBe('daemon node-exporter: i-m4 no longer matches the constraint');
      expect(plan.coverage).toMatchObject({ desired: 4, current: 4, misscheduled: 8 });
      expect(plan.unmatchedConstraint).toBeUndefined();
    });

    it('waits while eligible instances are already without a running copy', async () => {
      const tasks = copies().map((task, i) => (i < 3 ? { ...task, lastStatus: 'PENDING' as const } : task));
      const plan = await reconcile(fleet, tasks, { ...RULE, maxUnavailable: '25%', constraint: 'attribute:tier == gpu' });
      expect(plan.stops).toEqual([]);
    });

    it('stops nothing when the constraint matches no ACTIVE instance, and says so', async () => {
      const plan = await reconcile(fleet, copies(), { ...RULE, maxUnavailable: '25%', constraint: 'attribute:ecs.os-typo == linux' });
      expect(plan.stops).toEqual([]);
      expect(plan.unmatchedConstraint).toEqual({ constraint: 'attribute:ecs.os-typo == linux', keptCopies: 12 });
      expect(plan.coverage).toMatchObject({ desired: 0, misscheduled: 12 });
    });

    it('stops them at the pace when the rule allows no eligible instance on purpose', async () => {
      const plan = await reconcile(fleet, copies(), { ...RULE, maxUnavailable: '25%', constraint: 'attribute:ecs.os-typo == linux', allowNoEligibleInstances: true });
      expect(stopped(plan)).toEqual(['copy-0', 'copy-1', 'copy-2']);
      expect(plan.unmatchedConstraint).toBeUndefined();
    });
  });

  it('reports instances that cannot take a copy, with the reason, instead of planning a doomed start', async () => {
    const full = instanceFixture('full', { remainingMemory: 100 });
    const portTaken = instanceFixture('port', { tcpPortsInUse: [9100] });
    const lost = instanceFixture('lost', { agentConnected: false });
    const plan = await reconcile([full, portTaken, lost], []);
    expect(plan.starts).toEqual([]);
    expect(plan.coverage.failedToPlace.map((f) => [f.ec2InstanceId, f.reason])).toEqual([
      ['i-full', 'RESOURCE:MEMORY'],
      ['i-port', 'RESOURCE:PORTS'],
      ['i-lost', 'AGENT'],
    ]);
  });

  describe('rollout of a new revision', () => {
    const instances = Array.from({ length: 8 }, (_, i) => instanceFixture(`n${i}`));

    it('replaces one copy at a time with maxUnavailable 1, oldest first', async () => {
      const tasks = instances.map((instance, i) => copy(instance, { arn: `x/old-${i}` }));
      const plan = await reconcile(instances, tasks, RULE, V2);
      expect(stopped(plan)).toEqual(['old-0']);
      expect(plan.stops[0]!.reason).toContain('replacing exporter:1 with exporter:2');
      expect(plan.stops[0]!.awaitsReplacement).toBe(true);
      expect(plan.coverage).toMatchObject({ desired: 8, upToDate: 0 });
    });

    it('replaces 25% (2 of 8) at a time', async () => {
      const tasks = instances.map((instance, i) => copy(instance, { arn: `x/old-${i}` }));
      const plan = await reconcile(instances, tasks, { ...RULE, maxUnavailable: '25%' }, V2);
      expect(stopped(plan)).toEqual(['old-0', 'old-1']);
    });

    it('waits while the budget is spent: an instance already without a running copy counts', async () => {
      // n0 was stopped for the rollout and its replacement is still pending.
      const tasks = instances.map((instance, i) =>
        i === 0 ? copy(instance, { arn: 'x/new-0', taskDefinitionArn: V2.arn, revision: 2, lastStatus: 'PENDING' }) : copy(instance, { arn: `x/old-${i}` }),
      );
      const plan = await reconcile(instances, tasks, RULE, V2);
      expect(plan.stops).toEqual([]);
      expect(plan.coverage).toMatchObject({ desired: 8, current: 8, upToDate: 1, available: 7, unavailable: 1 });
    });

    it('starts the replacement where the old copy is gone, while stopping the next', async () => {
      const tasks = instances.slice(1).map((instance, i) => copy(instance, { arn: `x/old-${i + 1}` }));
      const plan = await reconcile(instances, tasks, { ...RULE, maxUnavailable: 2 }, V2);
      expect(startsOn(plan)).toEqual(['n0']);
      expect(plan.starts[0]!.launch.taskDefinitionArn).toBe(V2.arn);
      expect(stopped(plan)).toEqual(['old-1']);
    });
  });
});

describe('unavailableBudget', () => {
  it.each([
    [undefined, 10, 1],
    [3, 10, 3],
    [0, 10, 1],
    ['25%', 8, 2],
    ['25%', 3, 1],
    ['10%', 25, 3],
  ] as const)('maxUnavailable %s of %i eligible -> %i', (max, eligible, expected) => {
    expect(unavailableBudget(max, eligible)).toBe(expected);
  });
});
