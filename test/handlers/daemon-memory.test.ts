import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../shared/events/ecs-events.js';
import { DaemonMemory } from '../../shared/handlers/daemon/memory.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

const KEY = 'daemon/exporter';
const known = instanceFixture('known', { version: 10, attributes: new Map([['stack', 'prod']]) });
const copy = taskFixture('copy', { startedBy: KEY, containerInstanceArn: known.arn, version: 3 });

const waiting = instanceFixture('waiting', { version: 5 });

async function rememberedMemory(failed = false, rollingOut = false): Promise<DaemonMemory> {
  const snapshot = await Snapshot.create(CLUSTER, { kind: 'startedBy', startedBy: KEY });
  snapshot.putInstances([known, waiting]);
  snapshot.putTasks([copy]);
  const memory = new DaemonMemory(KEY);
  // arn:replaced was stopped for a rollout (not a quiet stop): its STOPPED event must wake the rule.
  memory.remember(snapshot, { started: ['arn:started-by-us'], quietStops: ['arn:stopped-by-us'], waitingForRoom: [waiting.arn], failed, rollingOut });
  return memory;
}

function instanceEvent(detail: Partial<Extract<EcsEvent, { 'detail-type': 'ECS Container Instance State Change' }>['detail']>): EcsEvent {
  return {
    id: 'e',
    source: 'aws.ecs',
    time: '2026-11-25T10:00:00Z',
    'detail-type': 'ECS Container Instance State Change',
    detail: { clusterArn: CLUSTER.arn, containerInstanceArn: known.arn, status: 'ACTIVE', agentConnected: true, attributes: [{ name: 'stack', value: 'prod' }], version: 11, ...detail },
  };
}

function taskEvent(detail: Partial<Extract<EcsEvent, { 'detail-type': 'ECS Task State Change' }>['detail']>): EcsEvent {
  return {
    id: 't',
    source: 'aws.ecs',
    time: '2026-11-25T10:00:00Z',
    'detail-type': 'ECS Task State Change',
    detail: { clusterArn: CLUSTER.arn, taskArn: copy.arn, startedBy: KEY, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', version: 4, ...detail },
  };
}

describe('DaemonMemory.reasonToReconcile', () => {
  it('during a rollout, a copy of ours reaching RUNNING wakes the rule (the next step has budget)', async () => {
    const memory = await rememberedMemory(false, true);
    expect(memory.reasonToReconcile({ kind: 'ecs', event: taskEvent({ taskArn: 'arn:started-by-us' }) })).toBe('copy arn:started-by-us is running: the rollout can go on');
  });

  it('after a reconcile in which an action failed, reconciles on the next event of any kind', async () => {
    const memory = await rememberedMemory(true);
    expect(memory.reasonToReconcile({ kind: 'ecs', event: instanceEvent({ version: 12 }) })).toBe('an action failed in the last reconcile');
  });

  it('reconciles on anything before it has seen the cluster, and always on a sweep', async () => {
    expect(new DaemonMemory(KEY).reasonToReconcile({ kind: 'ecs', event: instanceEvent({}) })).toBe('first event since start');
    expect((await rememberedMemory()).reasonToReconcile({ kind: 'sweep', rule: 'exporter' })).toBe('periodic sweep');
  });

  it.each<[string, EcsEvent, string | undefined]>([
    ['a resource-only change (our own start)', instanceEvent({ version: 12 }), undefined],
    ['a version the snapshot already saw', instanceEvent({ version: 10, status: 'DRAINING' }), undefined],
    ['a drain', instanceEvent({ status: 'DRAINING' }), `instance ${known.arn} is now DRAINING`],
    ['a deregistration', instanceEvent({ status: 'INACTIVE' }), `instance ${known.arn} is now INACTIVE`],
    ['an agent that disconnected', instanceEvent({ agentConnected: false }), `instance ${known.arn} agent disconnected`],
    ['changed attributes', instanceEvent({ attributes: [{ name: 'stack', value: 'staging' }] }), `instance ${known.arn} attributes changed`],
    ['a new instance', instanceEvent({ containerInstanceArn: 'arn:new' }), 'instance arn:new is new'],
    ['a new instance already gone', instanceEvent({ containerInstanceArn: 'arn:new', status: 'INACTIVE' }), undefined],
    ['another cluster', instanceEvent({ clusterArn: 'arn:other', containerInstanceArn: 'arn:new' }), undefined],
    ['our copy running', taskEvent({}), undefined],
    ['a copy we started, running', taskEvent({ taskArn: 'arn:started-by-us' }), undefined],
    ['a copy that died', taskEvent({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }), `copy ${copy.arn} stopped`],
    ['a copy on its way out (its STOPPED event comes next)', taskEvent({ lastStatus: 'RUNNING', desiredStatus: 'STOPPED' }), undefined],
    ['a duplicate or misplaced copy we stopped', taskEvent({ taskArn: 'arn:stopped-by-us', lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }), undefined],
    ['a copy we stopped for a rollout (its replacement is next)', taskEvent({ taskArn: 'arn:replaced', lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }), 'copy arn:replaced stopped'],
    ['a resource change on an instance waiting for room', instanceEvent({ containerInstanceArn: waiting.arn, version: 6 }), `instance ${waiting.arn} changed while a copy waits for room`],
    ['a copy someone else started', taskEvent({ taskArn: 'arn:stranger' }), 'copy arn:stranger was started by someone else'],
    ['another rule task', taskEvent({ startedBy: 'daemon/other', lastStatus: 'STOPPED' }), undefined],
  ])('%s', async (_, event, reason) => {
    expect((await rememberedMemory()).reasonToReconcile({ kind: 'ecs', event })).toBe(reason);
  });
});
