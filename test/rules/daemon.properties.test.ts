import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcileDaemon, type DaemonPlan } from '../../shared/rules/daemon/reconcile.js';
import { daemonKey, unavailableBudget, type DaemonRule } from '../../shared/rules/daemon/rule.js';
import { isLive } from '../../shared/state/liveness.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import type { ContainerInstance, Task, TaskDefinitionInfo } from '../../shared/state/types.js';
import { instances } from '../support/arbitrary-cluster.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

/**
 * The daemon's promises, over arbitrary clusters: instances of any status, agent and room, with
 * copies of two revisions in every state (duplicates, copies on instances gone from the cluster)
 * and other work beside them.
 */

const KEY = daemonKey({ name: 'exporter' });
const CONSTRAINT = 'attribute:role == web';
const GONE = instanceFixture('gone');

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

const taskShape = fc.record({
  /** An index into the instances; past the end, an instance no longer registered. */
  on: fc.nat(9),
  lastStatus: fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'RUNNING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'),
  desiredStatus: fc.oneof({ weight: 4, arbitrary: fc.constant('RUNNING') }, { weight: 1, arbitrary: fc.constant('STOPPED') }),
  revision: fc.constantFrom(1, 2),
  ours: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

const scenario = fc.record({
  instances: instances(),
  tasks: fc.array(taskShape, { maxLength: 14 }),
  constraint: fc.option(fc.constant(CONSTRAINT)),
  maxUnavailable: fc.constantFrom<DaemonRule['maxUnavailable']>(undefined, 1, 2, 3, '25%', '50%'),
  allowNoEligibleInstances: fc.boolean(),
  targetRevision: fc.constantFrom(1, 2),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface Outcome {
  plan: DaemonPlan;
  instances: ContainerInstance[];
  tasks: Task[];
  rule: DaemonRule;
  target: TaskDefinitionInfo;
}

async function reconcile(input: Scenario): Promise<Outcome> {
  const tasks = input.tasks.map((shape, i) =>
    taskFixture(`t${i}`, {
      containerInstanceArn: (input.instances[shape.on] ?? GONE).arn,
      startedBy: shape.ours ? KEY : 'ecs-svc/other',
      group: shape.ours ? KEY : 'service:other',
      family: shape.ours ? 'exporter' : 'other',
      revision: shape.revision,
      taskDefinitionArn: shape.ours ? definition(shape.revision).arn : 'arn:aws:ecs:us-east-1:123456789012:task-definition/other:1',
      lastStatus: shape.lastStatus,
      desiredStatus: shape.desiredStatus,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
    }),
  );
  const rule: DaemonRule = {
    name: 'exporter',
    cluster: 'test',
    taskDefinition: 'exporter',
    ...(input.constraint === null ? {} : { constraint: input.constraint }),
    ...(input.maxUnavailable === undefined ? {} : { maxUnavailable: input.maxUnavailable }),
    ...(input.allowNoEligibleInstances && { allowNoEligibleInstances: true }),
  };
  const target = definition(input.targetRevision);
  const snapshot = await Snapshot.create(CLUSTER, { kind: 'all' });
  try {
    snapshot.putInstances(input.instances);
    snapshot.putTasks(tasks);
    return { plan: reconcileDaemon(snapshot, rule, target), instances: input.instances, tasks, rule, target };
  } finally {
    snapshot.close();
  }
}

// What the rule promises, worked out here from the cluster itself rather than from the plan.
const eligible = (o: Outcome, instance: ContainerInstance) =>
  instance.status === 'ACTIVE' && (o.rule.constraint === undefined || instance.attributes.get('role') === 'web');
const copiesOn = (o: Outcome, instance: ContainerInstance) =>
  o.tasks.filter((t) => t.startedBy === KEY && t.containerInstanceArn === instance.arn && isLive(t));
const stoppedArns = (o: Outcome) => new Set(o.plan.stops.map((stop) => stop.taskArn));
const withoutRunningCopy = (o: Outcome, copiesLeft: (instance: ContainerInstance) => Task[]) =>
  o.instances.filter((i) => eligible(o, i) && !copiesLeft(i).some((t) => t.lastStatus === 'RUNNING')).length;
/** ACTIVE instances that run a copy but do not match the constraint. */
const misscheduled = (o: Outcome) => o.instances.filter((i) => i.status === 'ACTIVE' && !eligible(o, i) && copiesOn(o, i).length > 0);

/** Whether the reconcile stops this copy as a duplicate (another copy on its instance is kept). */
const duplicateOnItsInstance = (o: Outcome, task: Task) =>
  o.plan.stops.some((stop) => stop.taskArn === task.arn && stop.reason.includes('duplicate copy'));

const RUNS = { numRuns: 200 };

describe('reconcileDaemon, for any cluster', () => {
  it('never leaves two copies planned on one instance', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const o = await reconcile(input);
        const stopped = stoppedArns(o);
        for (const instance of [...o.instances, GONE]) {
          const kept = copiesOn(o, instance).filter((t) => !stopped.has(t.arn)).length;
          const started = o.plan.starts.filter((s) => s.containerInstanceArn === instance.arn).length;
          expect(kept + started, instance.ec2InstanceId).toBeLessThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });

  it('never makes more instances unavailable than maxUnavailable allows, whether rolling out or stopping misscheduled copies', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const o = await reconcile(input);
        const stopped = stoppedArns(o);
        const desired = o.instances.filter((i) => eligible(o, i)).length;
        const wrongPlace = misscheduled(o);
        const before = withoutRunningCopy(o, (i) => copiesOn(o, i));
        const eligibleAfter = withoutRunningCopy(o, (i) => copiesOn(o, i).filter((t) => !stopped.has(t.arn)));
        const misscheduledStopped = wrongPlace.filter((i) => copiesOn(o, i).every((t) => stopped.has(t.arn))).length;
        // Stops only ever add to what was unavailable, and only up to the budget of every instance served.
        expect(eligibleAfter + misscheduledStopped).toBeLessThanOrEqual(Math.max(before, unavailableBudget(o.rule.maxUnavailable, desired + wrongPlace.length)));
      }),
      RUNS,
    );
  });

  it('stops no misscheduled copy while the constraint matches no ACTIVE instance, unless the rule allows it', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const o = await reconcile(input);
        const matchesNothing = o.rule.constraint !== undefined && !o.instances.some((i) => eligible(o, i));
        const wrongPlace = misscheduled(o);
        const stopped = stoppedArns(o);
        const stoppedThere = wrongPlace.flatMap((i) => copiesOn(o, i)).filter((t) => stopped.has(t.arn) && !duplicateOnItsInstance(o, t));
        if (matchesNothing && wrongPlace.length > 0 && !o.rule.allowNoEligibleInstances) {
          expect(stoppedThere).toEqual([]);
          expect(o.plan.unmatchedConstraint?.keptCopies).toBe(wrongPlace.length);
        } else {
          expect(o.plan.unmatchedConstraint).toBeUndefined();
        }
      }),
      RUNS,
    );
  });

  it('starts a copy on every eligible instance without one that has room, and nowhere else', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const o = await reconcile(input);
        const needs = o.target.requirements;
        const room = (i: ContainerInstance) =>
          i.agentConnected && i.remainingCpu >= needs.cpu && i.remainingMemory >= needs.memory && !needs.tcpPorts.some((p) => i.tcpPortsInUse.includes(p));
        const expected = o.instances.filter((i) => eligible(o, i) && copiesOn(o, i).length === 0 && room(i)).map((i) => i.arn);
        expect(o.plan.starts.map((s) => s.containerInstanceArn).sort()).toEqual(expected.sort());
      }),
      RUNS,
    );
  });

  it('stops only its own copies', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const o = await reconcile(input);
        const ours = new Set(o.tasks.filter((t) => t.startedBy === KEY).map((t) => t.arn));
        for (const stop of o.plan.stops) expect(ours.has(stop.taskArn)).toBe(true);
      }),
      RUNS,
    );
  });
});
