import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../shared/events/ecs-events.js';
import { DaemonMemory } from '../../shared/handlers/daemon/memory.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

const KEY = 'daemon/exporter';
const known = instanceFixture('known', { version: 10, attributes: new Map([['stack', 'prod']]) });
const copy = taskFixture('copy', { startedBy: KEY, containerInstanceArn: known.arn, version: 3 });

async function rememberedMemory(): Promise<DaemonMemory> {
  const snapshot = await Snapshot.create(CLUSTER, { kind: 'startedBy', startedBy: KEY });
  snapshot.putInstances([known]);
  snapshot.putTasks([copy]);
  const memory = new DaemonMemory(KEY);
  memory.remember(snapshot, ['arn:started-by-us'], ['arn:stopped-by-us']);
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
    ['a copy we stopped', taskEvent({ taskArn: 'arn:stopped-by-us', lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }), undefined],
    ['a copy someone else started', taskEvent({ taskArn: 'arn:stranger' }), 'copy arn:stranger was started by someone else'],
    ['another rule task', taskEvent({ startedBy: 'daemon/other', lastStatus: 'STOPPED' }), undefined],
  ])('%s', async (_, event, reason) => {
    expect((await rememberedMemory()).reasonToReconcile({ kind: 'ecs', event })).toBe(reason);
  });
});
