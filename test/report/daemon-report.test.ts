import { describe, expect, it } from 'vitest';
import { reportDaemon, type DaemonOutcome } from '../../shared/report/daemon-report.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { CapturingMetrics, silentLogger } from '../support/telemetry.js';

/**
 * The daemon result events as users receive them: built by the real report from an outcome with
 * every field set, each detail compared whole (toStrictEqual). Detail types and field names are
 * literals here on purpose: they are the wire contract that rules and alarms match on.
 */

const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';
const instance = (id: string) => `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${id}`;
const task = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`;

const COVERAGE = {
  desired: 5,
  current: 4,
  upToDate: 3,
  available: 3,
  unavailable: 2,
  misscheduled: 1,
  failedToPlace: [{ containerInstanceArn: instance('full'), ec2InstanceId: 'i-full', reason: 'RESOURCE:MEMORY' as const }],
};

const outcome: DaemonOutcome = {
  rule: 'node-exporter',
  clusterArn: CLUSTER_ARN,
  reason: `instance ${instance('new')} is new`,
  coverage: COVERAGE,
  result: {
    started: [{ taskArn: task('new'), containerInstanceArn: instance('new'), startedBy: 'daemon/node-exporter', reason: 'daemon node-exporter: instance has no copy' }],
    stopped: [{ taskArn: task('old'), reason: 'daemon node-exporter: rolling to revision 4', awaitsReplacement: true }],
    failed: [
      { action: 'start', target: instance('busy'), startedBy: 'daemon/node-exporter', reason: 'RESOURCE:CPU', detail: 'ECS refused the start' },
      { action: 'stop', target: task('stuck'), reason: 'ServerException' },
    ],
    conflicts: 1,
  },
  apiCalls: 12,
  throttles: 2,
};

async function report(o: DaemonOutcome) {
  const sinks = { logger: silentLogger(), metrics: new CapturingMetrics(), publisher: new MemoryPublisher() };
  await reportDaemon(o, sinks);
  return { events: sinks.publisher.events, metrics: sinks.metrics };
}

describe('Daemon Reconciled and Daemon Placement Failed', () => {
  it('a reconcile that acted and could not place everywhere publishes both, in that order', async () => {
    const { events } = await report(outcome);
    expect(events).toStrictEqual([
      {
        detailType: 'Daemon Reconciled',
        detail: {
          rule: 'node-exporter',
          cluster: CLUSTER_ARN,
          reason: `instance ${instance('new')} is new`,
          coverage: { desired: 5, current: 4, upToDate: 3, available: 3, unavailable: 2, misscheduled: 1, failedToPlace: 1 },
          started: [{ taskArn: task('new'), containerInstanceArn: instance('new'), startedBy: 'daemon/node-exporter', reason: 'daemon node-exporter: instance has no copy' }],
          stopped: [{ taskArn: task('old'), reason: 'daemon node-exporter: rolling to revision 4', awaitsReplacement: true }],
          failed: [
            { action: 'start', target: instance('busy'), startedBy: 'daemon/node-exporter', reason: 'RESOURCE:CPU', detail: 'ECS refused the start' },
            { action: 'stop', target: task('stuck'), reason: 'ServerException' },
          ],
          conflicts: 1,
        },
        resources: [CLUSTER_ARN],
      },
      {
        detailType: 'Daemon Placement Failed',
        detail: {
          rule: 'node-exporter',
          cluster: CLUSTER_ARN,
          // The placer's refusals name the EC2 instance; ECS's refusals of a start carry its detail.
          instances: [
            { containerInstanceArn: instance('full'), ec2InstanceId: 'i-full', reason: 'RESOURCE:MEMORY' },
            { containerInstanceArn: instance('busy'), reason: 'RESOURCE:CPU', detail: 'ECS refused the start' },
          ],
        },
        resources: [CLUSTER_ARN, instance('full'), instance('busy')],
      },
    ]);
  });

  it('a reconcile that changed nothing and placed everywhere publishes nothing', async () => {
    const { events } = await report({ ...outcome, coverage: { ...COVERAGE, failedToPlace: [] }, result: { started: [], stopped: [], failed: [], conflicts: 0 } });
    expect(events).toStrictEqual([]);
  });

  it('a placement failure alone publishes only Daemon Placement Failed', async () => {
    const { events } = await report({ ...outcome, result: { started: [], stopped: [], failed: [], conflicts: 0 } });
    expect(events.map((e) => e.detailType)).toStrictEqual(['Daemon Placement Failed']);
  });

  it('publishes the coverage counters the dashboard and the FailedToPlace alarm read', async () => {
    const { metrics } = await report(outcome);
    expect(metrics.lastNames()).toEqual(['Desired', 'Current', 'UpToDate', 'Available', 'Unavailable', 'Misscheduled', 'FailedToPlace', 'Started', 'Stopped', 'Conflicts', 'EcsThrottles']);
    expect(metrics.lastDimensions()).toEqual(['service', 'Rule', 'Kind']);
    // FailedToPlace counts the placer's refusals and ECS's refused starts.
    expect(metrics.published.at(-1)).toMatchObject({ Rule: 'node-exporter', Kind: 'daemon', Desired: 5, FailedToPlace: 2, Started: 1, Stopped: 1, Conflicts: 1, EcsThrottles: 2 });
  });

  it('a constraint that matches nothing publishes Daemon Constraint Matches Nothing and counts the kept copies in FailedToPlace', async () => {
    const quiet = { ...outcome, coverage: { ...COVERAGE, desired: 0, misscheduled: 12, failedToPlace: [] }, result: { started: [], stopped: [], failed: [], conflicts: 0 } };
    const { events, metrics } = await report({ ...quiet, unmatchedConstraint: { constraint: 'attribute:ecs.os-typo == linux', keptCopies: 12 } });
    expect(events).toStrictEqual([
      {
        detailType: 'Daemon Constraint Matches Nothing',
        detail: { rule: 'node-exporter', cluster: CLUSTER_ARN, constraint: 'attribute:ecs.os-typo == linux', keptCopies: 12 },
        resources: [CLUSTER_ARN],
      },
    ]);
    expect(metrics.last('FailedToPlace')).toBe(12);
  });
});
