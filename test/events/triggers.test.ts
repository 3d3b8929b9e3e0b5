import { describe, expect, it } from 'vitest';
import { instanceEventsPattern, matchesPattern, copyLifecyclePattern, runEndsPattern } from '../../shared/events/patterns.js';
import { parseTrigger } from '../../shared/events/triggers.js';

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';

/** Shaped like the example in the ECS developer guide (fields we do not read trimmed). */
function taskEvent(detail: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '3317b2af-7005-947d-b652-f55e762e571a',
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: '2026-11-25T10:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:ecs:us-east-1:123456789012:task/prod/b99d40b3'],
    detail: {
      clusterArn: CLUSTER,
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/b99d40b3',
      containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ab12',
      startedBy: 'daemon/exporter',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      version: 3,
      ...detail,
    },
  };
}

function instanceEvent(detail: Record<string, unknown> = {}) {
  return {
    ...taskEvent(),
    'detail-type': 'ECS Container Instance State Change',
    detail: {
      clusterArn: CLUSTER,
      containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ab12',
      ec2InstanceId: 'i-0123456789abcdef0',
      status: 'ACTIVE',
      agentConnected: true,
      attributes: [{ name: 'ecs.os-type', value: 'linux' }, { name: 'ecs.capability.docker-remote-api.1.17' }],
      version: 14801,
      ...detail,
    },
  };
}

describe('parseTrigger', () => {
  it.each([
    ['a sweep', JSON.stringify({ kind: 'sweep', rule: 'exporter' }), 'sweep'],
    ['a task event', JSON.stringify(taskEvent()), 'ecs'],
    ['an instance event', JSON.stringify(instanceEvent()), 'ecs'],
  ])('accepts %s', (_, body, kind) => {
    const parsed = parseTrigger(body);
    expect(parsed.ok && parsed.trigger.kind).toBe(kind);
  });

  it.each([
    ['not JSON', '{oops', 'not JSON: {oops'],
    ['a foreign event', JSON.stringify({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }), 'neither an ECS task or container instance event nor a sweep'],
    ['a sweep with extra keys', JSON.stringify({ kind: 'sweep', rule: 'x', extra: 1 }), 'neither an ECS task or container instance event nor a sweep'],
    ['an ECS event missing its version', JSON.stringify(taskEvent({ version: undefined })), 'malformed "ECS Task State Change" event: detail.version: expected number, found nothing'],
    ['an ECS event with a wrong type', JSON.stringify(instanceEvent({ agentConnected: 'yes' })), 'malformed "ECS Container Instance State Change" event: detail.agentConnected: expected boolean, found "yes"'],
  ])('names what is wrong with %s', (_, body, problem) => {
    const parsed = parseTrigger(body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });
});

describe('daemon event patterns', () => {
  it('instance events of the rule cluster only', () => {
    expect(matchesPattern(instanceEventsPattern(CLUSTER), instanceEvent())).toBe(true);
    expect(matchesPattern(instanceEventsPattern(CLUSTER), instanceEvent({ clusterArn: `${CLUSTER}-other` }))).toBe(false);
    expect(matchesPattern(instanceEventsPattern(CLUSTER), taskEvent())).toBe(false);
  });

  it('only the copies of the rule that reach RUNNING or STOPPED', () => {
    const pattern = copyLifecyclePattern(CLUSTER, 'daemon/exporter');
    expect(matchesPattern(pattern, taskEvent())).toBe(true);
    expect(matchesPattern(pattern, taskEvent({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }))).toBe(true);
    expect(matchesPattern(pattern, taskEvent({ lastStatus: 'PENDING', desiredStatus: 'RUNNING' }))).toBe(false);
    expect(matchesPattern(pattern, taskEvent({ startedBy: 'daemon/other' }))).toBe(false);
    expect(matchesPattern(pattern, taskEvent({ startedBy: undefined }))).toBe(false);
  });
});

describe('cron run-end pattern', () => {
  it('every stopped copy of the rule, by startedBy prefix, and nothing else', () => {
    const pattern = runEndsPattern(CLUSTER, 'cron/nightly/');
    expect(matchesPattern(pattern, taskEvent({ startedBy: 'cron/nightly/tb5q3k0' }))).toBe(true);
    expect(matchesPattern(pattern, taskEvent({ startedBy: 'cron/nightly/tb5q3k0/2' }))).toBe(true);
    expect(matchesPattern(pattern, taskEvent({ startedBy: 'cron/nightly/tb5q3k0', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }))).toBe(false);
    expect(matchesPattern(pattern, taskEvent({ startedBy: 'cron/nightly-other/tb5q3k0' }))).toBe(false);
    expect(matchesPattern(pattern, taskEvent({ startedBy: undefined }))).toBe(false);
    expect(matchesPattern(pattern, taskEvent({ startedBy: 'cron/nightly/tb5q3k0', clusterArn: `${CLUSTER}-other` }))).toBe(false);
  });
});
