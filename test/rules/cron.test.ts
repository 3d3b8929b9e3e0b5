import { describe, expect, it } from 'vitest';
import {
  cronRulePrefix,
  cronScope,
  cronSlotKey,
  planOverdueStops,
  planSlot,
  SCHEDULED_TIME_VARIABLE,
  slotOfKey,
  type CronRule,
  type SlotOutcome,
} from '../../shared/rules/cron/index.js';
import type { Plan } from '../../shared/rules/plan.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import type { ContainerInstance, Task, TaskDefinitionInfo } from '../../shared/state/types.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

const RULE: CronRule = { name: 'nightly-report', cluster: 'test', taskDefinition: 'report', schedule: 'cron(0 2 * * ? *)' };
const SLOT = new Date('2026-03-01T02:00:00Z');
const PREVIOUS = new Date('2026-02-28T02:00:00Z');
const NEXT = new Date('2026-03-02T02:00:00Z');
const KEY = cronSlotKey(RULE, SLOT);
const seconds = (n: number) => new Date(SLOT.getTime() + n * 1000);

const TARGET: TaskDefinitionInfo = {
  arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/report:4',
  family: 'report',
  revision: 4,
  networkMode: 'bridge',
  requirements: { cpu: 256, memory: 512, tcpPorts: [], udpPorts: [] },
  containerNames: ['main', 'uploader'],
  essentialContainers: ['main', 'uploader'],
  taskRoleArn: undefined,
  executionRoleArn: undefined,
};

function zoned(id: string, zone: string, overrides: Partial<ContainerInstance> = {}): ContainerInstance {
  return instanceFixture(id, { attributes: new Map([['ecs.availability-zone', zone]]), ...overrides });
}

let serial = 0;
/** A task of the rule for `slot`, running on `instance`. */
function run(slot: Date, instance: ContainerInstance, overrides: Partial<Task> = {}): Task {
  serial += 1;
  const key = cronSlotKey(RULE, slot);
  return taskFixture(`run-${serial}`, {
    containerInstanceArn: instance.arn,
    startedBy: key,
    group: key,
    family: TARGET.family,
    revision: TARGET.revision,
    taskDefinitionArn: TARGET.arn,
    createdAt: slot,
    startedAt: new Date(slot.getTime() + 10_000),
    ...overrides,
  });
}
const stoppedRun = (slot: Date, instance: ContainerInstance) => run(slot, instance, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });

async function snapshotOf(instances: ContainerInstance[], tasks: Task[] = [], rule = RULE): Promise<Snapshot> {
  const snapshot = await Snapshot.create(CLUSTER, cronScope(rule, TARGET));
  snapshot.putInstances(instances);
  snapshot.putTasks(tasks);
  return snapshot;
}

interface Case {
  rule?: Partial<CronRule>;
  slot?: Date;
  now?: Date;
  trigger?: 'schedule' | 'manual';
  completeBy?: Date;
  stopWaitOver?: ReadonlySet<string>;
}
async function outcomeOf(instances: ContainerInstance[], tasks: Task[] = [], options: Case = {}): Promise<SlotOutcome> {
  const rule = { ...RULE, ...options.rule };
  const slot = options.slot ?? SLOT;
  return planSlot({ snapshot: await snapshotOf(instances, tasks, rule), rule, target: TARGET, slot, now: options.now ?? seconds(30), trigger: options.trigger, completeBy: options.completeBy, stopWaitOver: options.stopWaitOver });
}

function started(outcome: SlotOutcome): Extract<SlotOutcome, { kind: 'start' }> {
  if (outcome.kind === 'await-stops') throw new Error(`expected a start, got a wait for ${outcome.stopping.join(', ')} to stop`);
  if (outcome.kind !== 'start') throw new Error(`expected a start, got skip ${outcome.reason}: ${outcome.detail}`);
  return outcome;
}
const startsOn = (p: Plan) => p.starts.map((s) => s.containerInstanceArn.split('/').pop());
const stopped = (p: Plan | undefined) => (p?.stops ?? []).map((s) => s.taskArn.split('/').pop());
const skipOf = (outcome: SlotOutcome) => (outcome.kind === 'skip' ? outcome.reason : outcome.kind);

describe('planSlot', () => {
  it('starts count copies on an empty cluster, keyed by the slot, with its tags, the rule tag and the scheduled time', async () => {
    const instances = ['a', 'b', 'c'].map((id) => instanceFixture(id));
    const tags = { team: 'finance' };
    const outcome = started(await outcomeOf(instances, [], { rule: { count: 3, tags } }));

    expect(outcome).toMatchObject({ placed: 3, missing: 3, unplaced: 0, rejections: {} });
    expect(outcome.plan.stops).toEqual([]);
    expect(outcome.plan.starts).toHaveLength(3);
    for (const start of outcome.plan.starts) {
      expect(start.launch).toMatchObject({ taskDefinitionArn: TARGET.arn, startedBy: KEY, group: KEY });
      // The rule tag is what IAM lets this rule's function stop, and only this rule's.
      expect(start.launch.tags).toEqual({ ...tags, 'ecs-schedulers:rule': 'cron/nightly-report' });
      expect(start.reason).toContain(`slot ${SLOT.toISOString()}`);
      // A copy ECS refuses may be placed again, by the same rules and among the rule's runs.
      expect(start.placement).toEqual({ constraints: [], strategy: [{ type: 'random' }], peers: { startedByPrefix: cronRulePrefix(RULE), live: true } });
    }
    const scheduled = [{ name: SCHEDULED_TIME_VARIABLE, value: SLOT.toISOString() }];
    expect(outcome.plan.starts[0]!.launch.overrides).toEqual({
      containerOverrides: [
        { name: 'main', environment: scheduled },
        { name: 'uploader', environment: scheduled },
      ],
    });
  });

  it("merges the scheduled time into the rule's overrides, replacing a variable of the same name", async () => {
    const outcome = started(
      await outcomeOf([instanceFixture('a')], [], {
        rule: {
          overrides: {
            taskRoleArn: 'arn:aws:iam::123456789012:role/report',
            containerOverrides: [
              { name: 'main', command: ['report', '--full'], environment: [{ name: 'MODE', value: 'full' }, { name: SCHEDULED_TIME_VARIABLE, value: 'fixed' }] },
              { name: 'not-in-definition', command: ['x'] },
            ],
          },
        },
      }),
    );
    const scheduled = { name: SCHEDULED_TIME_VARIABLE, value: SLOT.toISOString() };
    expect(outcome.plan.starts[0]!.launch.overrides).toEqual({
      taskRoleArn: 'arn:aws:iam::123456789012:role/report',
      containerOverrides: [
        { name: 'main', command: ['report', '--full'], environment: [{ name: 'MODE', value: 'full' }, scheduled] },
        { name: 'uploader', environment: [scheduled] },
        // Passed on for ECS to refuse by name, rather than dropped without a word.
        { name: 'not-in-definition', command: ['x'] },
      ],
    });
  });

  describe('once per slot', () => {
    const a = instanceFixture('a');
    const b = instanceFixture('b');

    it.each([
      ['both copies running', [run(SLOT, a), run(SLOT, b)]],
      ['both copies stopped (ran and ended)', [stoppedRun(SLOT, a), stoppedRun(SLOT, b)]],
      ['one running, one stopped', [run(SLOT, a), stoppedRun(SLOT, b)]],
      ['one stopping, one pending', [run(SLOT, a, { desiredStatus: 'STOPPED' }), run(SLOT, b, { lastStatus: 'PENDING' })]],
    ])('a re-delivered slot with %s starts nothing', async (_, tasks) => {
      const outcome = await outcomeOf([a, b, instanceFixture('c')], tasks, { rule: { count: 2 } });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'slot-complete' });
      expect(outcome).not.toHaveProperty('plan');
      if (outcome.kind === 'skip') expect(outcome.detail).toContain('2 of 2');
    });

    it.each([
      ['running', [run(SLOT, a), run(SLOT, b)]],
      ['stopped', [stoppedRun(SLOT, a), stoppedRun(SLOT, b)]],
    ])('a slot whose copies are %s is complete, not too late, when re-delivered past its starting deadline', async (_, tasks) => {
      // A message that failed after its copies started comes back late: the run happened, and is reported so.
      const outcome = await outcomeOf([a, b], tasks, { rule: { count: 2 }, now: seconds(3600) });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'slot-complete' });
    });

    it('a partly started slot re-delivered past its starting deadline is too late for the missing copies', async () => {
      const outcome = await outcomeOf([a, b], [run(SLOT, a)], { rule: { count: 2 }, now: seconds(3600) });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'too-late' });
    });

    it('a begun slot (completeBy) re-delivered past its starting deadline starts its missing copies, until its completion bound', async () => {
      const begun = { rule: { count: 2 }, now: seconds(3600), completeBy: seconds(3600) };
      expect(started(await outcomeOf([a, b], [run(SLOT, a)], begun)).plan.starts).toHaveLength(1);
      const past = await outcomeOf([a, b], [run(SLOT, a)], { ...begun, now: seconds(3601) });
      expect(past).toMatchObject({ kind: 'skip', reason: 'too-late' });
      if (past.kind === 'skip') expect(past.detail).toBe(`slot ${SLOT.toISOString()} began in time but has 1 of 2 copies at its completion bound ${seconds(3600).toISOString()}`);
    });

    it('a slot above its count stops the newest live extras, and reports them; the oldest stay', async () => {
      const c = instanceFixture('c');
      const copies = [run(SLOT, a, { arn: 'x/oldest', createdAt: seconds(1) }), run(SLOT, b, { arn: 'x/middle', createdAt: seconds(2) }), run(SLOT, c, { arn: 'x/newest', createdAt: seconds(3) })];
      const outcome = await outcomeOf([a, b, c], copies, { rule: { count: 1 } });
      if (outcome.kind !== 'skip') throw new Error(`expected a skip, got ${outcome.kind}`);
      expect(outcome.reason).toBe('slot-complete');
      expect(outcome.extras?.map((stop) => stop.taskArn)).toEqual(['x/newest', 'x/middle']);
      expect(stopped(outcome.plan)).toEqual(['newest', 'middle']);
      expect(outcome.plan?.starts).toEqual([]);
    });

    it('an extra copy that already stopped counts against the excess: nothing live is stopped for it', async () => {
      const copies = [run(SLOT, a, { arn: 'x/old', createdAt: seconds(1) }), run(SLOT, b, { arn: 'x/new', createdAt: seconds(2), lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })];
      const outcome = await outcomeOf([a, b], copies, { rule: { count: 1 } });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'slot-complete' });
      expect(outcome).not.toHaveProperty('plan');
    });

    it.each([
      ['one copy running', [run(SLOT, a)], 2],
      ['one copy stopped: never restarted', [stoppedRun(SLOT, a)], 2],
      ['none yet, only a stopped run of an earlier slot', [stoppedRun(PREVIOUS, a)], 3],
    ])('a partly started slot (%s) starts only the missing copies', async (_, tasks, missing) => {
      const outcome = started(await outcomeOf([a, b, instanceFixture('c')], tasks, { rule: { count: 3 } }));
      expect(outcome).toMatchObject({ missing, placed: missing, unplaced: 0 });
      expect(outcome.plan.starts).toHaveLength(missing);
    });
  });

  it.each([
    ['scheduled', 'schedule'],
    ['manual', 'manual'],
  ] as const)('a suspended rule skips a %s slot', async (_, trigger) => {
    const outcome = await outcomeOf([instanceFixture('a')], [], { rule: { suspend: true }, trigger });
    expect(outcome).toMatchObject({ kind: 'skip', reason: 'suspended', slot: SLOT });
    expect(outcome).not.toHaveProperty('plan');
  });

  describe('starting deadline', () => {
    it.each([
      ['on time', {}, 0, 'start'],
      ['exactly at the default deadline (300 s)', {}, 300, 'start'],
      ['one second past the default deadline', {}, 301, 'too-late'],
      ['past a custom deadline', { startingDeadlineSeconds: 60 }, 61, 'too-late'],
      ['at the end of a 15-minute flexible window plus the deadline', { flexibleWindowMinutes: 15 }, 900 + 300, 'start'],
      ['past a 15-minute flexible window plus the deadline', { flexibleWindowMinutes: 15 }, 900 + 301, 'too-late'],
    ] as const)('a slot invoked %s: %s', async (_, rule, late, expected) => {
      const outcome = await outcomeOf([instanceFixture('a')], [], { rule, now: seconds(late) });
      expect(skipOf(outcome)).toBe(expected);
    });

    it('names the lateness and the deadline when a slot is skipped as too late', async () => {
      const outcome = await outcomeOf([instanceFixture('a')], [], { now: seconds(412) });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'too-late' });
      if (outcome.kind === 'skip') expect(outcome.detail).toBe(`invoked 412 s after slot ${SLOT.toISOString()}, past its starting deadline ${seconds(300).toISOString()}`);
    });

    it('has no deadline for a manual run', async () => {
      const outcome = await outcomeOf([instanceFixture('a')], [], { trigger: 'manual', now: seconds(7200) });
      expect(started(outcome).placed).toBe(1);
    });
  });

  describe('overlap with a run of another slot', () => {
    const a = instanceFixture('a');
    const b = instanceFixture('b');
    const instances = [a, b];

    it.each([
      ['Forbid', 'running', run(PREVIOUS, a), 'overlap-forbidden'],
      ['Forbid', 'pending', run(PREVIOUS, a, { lastStatus: 'PENDING' }), 'overlap-forbidden'],
      ['Forbid', 'stopped', stoppedRun(PREVIOUS, a), 'start'],
      ['Forbid', 'stopping', run(PREVIOUS, a, { desiredStatus: 'STOPPED' }), 'start'],
      ['Forbid', 'deprovisioning', run(PREVIOUS, a, { lastStatus: 'DEPROVISIONING' }), 'start'],
      ['Allow', 'running', run(PREVIOUS, a), 'start'],
      [undefined, 'running', run(PREVIOUS, a), 'overlap-forbidden'],
    ] as const)('policy %s with the previous run %s: %s', async (overlapPolicy, _, previous, expected) => {
      const outcome = await outcomeOf(instances, [previous], { rule: { overlapPolicy } });
      expect(skipOf(outcome)).toBe(expected);
      if (outcome.kind === 'start') expect(outcome.plan.stops).toEqual([]);
    });

    it('Forbid names the slot still running', async () => {
      const outcome = await outcomeOf(instances, [run(PREVIOUS, a)], { rule: { overlapPolicy: 'Forbid' } });
      expect(outcome.kind === 'skip' && outcome.detail).toContain(`run of slot ${PREVIOUS.toISOString()} is still going`);
    });

    it('Replace stops the live runs of earlier slots, naming the new slot, and waits for them to stop before it starts', async () => {
      const older = new Date('2026-02-27T02:00:00Z');
      const outcome = await outcomeOf(instances, [run(PREVIOUS, a, { arn: 'x/previous' }), run(older, b, { arn: 'x/older' }), stoppedRun(older, b)], {
        rule: { overlapPolicy: 'Replace' },
      });
      if (outcome.kind !== 'await-stops') throw new Error(`expected a wait for stops, got ${outcome.kind}`);
      expect(stopped(outcome.plan).sort()).toEqual(['older', 'previous']);
      expect(outcome.stopping.sort()).toEqual(['x/older', 'x/previous']);
      for (const stop of outcome.plan.stops) expect(stop.reason).toContain(`replaced by the run for slot ${SLOT.toISOString()}`);
      // ECS keeps a stopping task's containers up to their stop timeout: the new run waits.
      expect(outcome.plan.starts).toEqual([]);
    });

    it('Replace keeps waiting while a run it stopped is stopping, and starts once it has STOPPED', async () => {
      const stopping = { arn: 'x/previous', desiredStatus: 'STOPPED' as const };
      const waiting = await outcomeOf(instances, [run(PREVIOUS, a, stopping)], { rule: { overlapPolicy: 'Replace' } });
      expect(waiting).toMatchObject({ kind: 'await-stops', stopping: ['x/previous'], plan: { starts: [], stops: [] } });
      const ended = started(await outcomeOf(instances, [run(PREVIOUS, a, { ...stopping, lastStatus: 'STOPPED' })], { rule: { overlapPolicy: 'Replace' } }));
      expect(ended.plan.starts).toHaveLength(1);
      expect(ended.plan.starts[0]!.launch.startedBy).toBe(KEY);
      expect(ended.plan.stops).toEqual([]);
    });

    it('Replace past the stop wait: starts, and the start still depends on the stops', async () => {
      const outcome = started(
        await outcomeOf(instances, [run(PREVIOUS, a, { arn: 'x/previous' })], { rule: { overlapPolicy: 'Replace' }, stopWaitOver: new Set(['x/previous']) }),
      );
      expect(stopped(outcome.plan)).toEqual(['previous']);
      expect(outcome.plan.starts).toHaveLength(1);
      expect(outcome.plan.startsNeedStops).toBe(true);
    });

    it.each([
      ['Replace with nothing to replace', 'Replace', []],
      ['Allow beside a running run', 'Allow', [run(PREVIOUS, a)]],
      ['Forbid after a stopped run', 'Forbid', [stoppedRun(PREVIOUS, a)]],
    ] as const)('%s: the starts do not depend on stops', async (_, overlapPolicy, tasks) => {
      const outcome = started(await outcomeOf(instances, [...tasks], { rule: { overlapPolicy } }));
      expect(outcome.plan.stops).toEqual([]);
      expect(outcome.plan).not.toHaveProperty('startsNeedStops');
    });

    it('Replace never stops the run of a newer slot for a late older one', async () => {
      const outcome = await outcomeOf(instances, [run(NEXT, a)], { rule: { overlapPolicy: 'Replace' } });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'too-late' });
      expect(outcome).not.toHaveProperty('plan');
      expect(outcome.kind === 'skip' && outcome.detail).toContain(`superseded: the run of the later slot ${NEXT.toISOString()}`);
    });

    it("Replace past the stop wait places against capacity as it is: the old run's resources are not free until it has stopped", async () => {
      // The old run holds most of the only instance; the copy does not fit beside it yet.
      const full = instanceFixture('full', { remainingMemory: 300 });
      const outcome = started(
        await outcomeOf([full], [run(PREVIOUS, full, { arn: 'x/old' })], { rule: { overlapPolicy: 'Replace' }, stopWaitOver: new Set(['x/old']) }),
      );
      expect(stopped(outcome.plan)).toEqual(['old']);
      expect(outcome).toMatchObject({ placed: 0, missing: 1, unplaced: 1, rejections: { 'RESOURCE:MEMORY': 1 } });
    });

    it('Allow starts alongside and spreads against the running copies of other slots', async () => {
      const zoneA = zoned('za', 'us-east-1a');
      const zoneB = zoned('zb', 'us-east-1b');
      const outcome = started(
        await outcomeOf([zoneA, zoneB], [run(PREVIOUS, zoneA)], {
          rule: { overlapPolicy: 'Allow', placement: { strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] } },
        }),
      );
      expect(outcome.plan.stops).toEqual([]);
      expect(startsOn(outcome.plan)).toEqual(['zb']);
    });

    it('Replace spreads against the runs that stay, not the ones it stops', async () => {
      const zoneA = zoned('za', 'us-east-1a');
      const zoneB1 = zoned('zb1', 'us-east-1b');
      const zoneB2 = zoned('zb2', 'us-east-1b');
      // Counting the two runs being replaced would send the copy to zone a instead.
      const replaced = [run(PREVIOUS, zoneB1), run(PREVIOUS, zoneB2)];
      const outcome = started(
        await outcomeOf([zoneA, zoneB1, zoneB2], [run(SLOT, zoneA), ...replaced], {
          rule: { overlapPolicy: 'Replace', count: 2, placement: { strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] } },
          stopWaitOver: new Set(replaced.map((task) => task.arn)),
        }),
      );
      expect(outcome.plan.stops).toHaveLength(2);
      expect(startsOn(outcome.plan)).toHaveLength(1);
      expect(startsOn(outcome.plan)[0]).toMatch(/^zb/);
    });
  });

  describe('when copies do not fit', () => {
    const small = () => [instanceFixture('a', { remainingMemory: 100 }), instanceFixture('b', { remainingCpu: 100 }), instanceFixture('c', { agentConnected: false })];

    it('returns a start with nothing placed and the reasons, for the handler to retry', async () => {
      const outcome = started(await outcomeOf(small(), [], { rule: { count: 2 } }));
      expect(outcome).toMatchObject({ placed: 0, missing: 2, unplaced: 2, rejections: { 'RESOURCE:MEMORY': 1, 'RESOURCE:CPU': 1, AGENT: 1 } });
      expect(outcome.plan).toEqual({ starts: [], stops: [] });
    });

    it('starts what fits and reports the rest', async () => {
      const outcome = started(await outcomeOf([instanceFixture('a', { remainingMemory: 600 })], [], { rule: { count: 2, retryOnCapacity: false } }));
      expect(outcome).toMatchObject({ placed: 1, missing: 2, unplaced: 1, rejections: { 'RESOURCE:MEMORY': 1 } });
    });

    it('skips the slot for capacity when nothing fits and retryOnCapacity is false', async () => {
      const outcome = await outcomeOf(small(), [], { rule: { retryOnCapacity: false } });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'no-capacity' });
      expect(outcome).not.toHaveProperty('plan');
      expect(outcome.kind === 'skip' && outcome.detail).toBe(
        `no instance can take a copy for slot ${SLOT.toISOString()} (instances turned down: AGENT 1, RESOURCE:MEMORY 1, RESOURCE:CPU 1), and retryOnCapacity is false`,
      );
    });

    describe('a constraint no instance matches', () => {
      const pools = () => [instanceFixture('a', { attributes: new Map([['pool', 'web']]) }), instanceFixture('d', { status: 'DRAINING', attributes: new Map([['pool', 'web']]) })];
      const constrained = (expression: string, more: Partial<CronRule> = {}) => ({ rule: { ...more, placement: { constraints: [{ type: 'memberOf' as const, expression }] } } });

      it('says no copy could ever start, whatever retryOnCapacity says', async () => {
        for (const retryOnCapacity of [true, false]) {
          const outcome = started(await outcomeOf(pools(), [], constrained('attribute:pool == batch', { retryOnCapacity })));
          expect(outcome).toMatchObject({ placed: 0, unplaced: 1 });
          expect(outcome.neverPlaceable).toBe(
            'no instance of the cluster matches the constraint "attribute:pool == batch" (2 instances, whatever their room): no copy could ever start; fix the constraint or the instances\' attributes',
          );
        }
      });

      it('is only a lack of room when some instance matches, even a draining one', async () => {
        const outcome = started(await outcomeOf([instanceFixture('a', { remainingMemory: 100, attributes: new Map([['pool', 'web']]) })], [], constrained('attribute:pool == web')));
        expect(outcome.neverPlaceable).toBeUndefined();
        const drainingOnly = started(await outcomeOf(pools().slice(1), [], constrained('attribute:pool == web')));
        expect(drainingOnly.neverPlaceable).toBeUndefined();
      });

      it('is not claimed for task:group, which other tasks may come to match, nor for a cluster without instances', async () => {
        expect(started(await outcomeOf(pools(), [], constrained('task:group == reports'))).neverPlaceable).toBeUndefined();
        expect(started(await outcomeOf([], [], constrained('attribute:pool == batch'))).neverPlaceable).toBeUndefined();
      });
    });

    it('still stops the replaced run when nothing fits and retryOnCapacity is false', async () => {
      const full = instanceFixture('full', { remainingMemory: 300 });
      const outcome = await outcomeOf([full], [run(PREVIOUS, full, { arn: 'x/old' })], {
        rule: { overlapPolicy: 'Replace', retryOnCapacity: false },
        stopWaitOver: new Set(['x/old']),
      });
      expect(outcome).toMatchObject({ kind: 'skip', reason: 'no-capacity' });
      expect(outcome.kind === 'skip' && outcome.plan?.starts).toEqual([]);
      expect(stopped(outcome.kind === 'skip' ? outcome.plan : undefined)).toEqual(['old']);
      expect(outcome.kind === 'skip' && outcome.plan?.startsNeedStops).toBe(true);
    });
  });

  describe('placement', () => {
    it('honours a memberOf constraint', async () => {
      const batch = instanceFixture('batch', { attributes: new Map([['pool', 'batch']]) });
      const web = instanceFixture('web', { attributes: new Map([['pool', 'web']]) });
      const outcome = started(
        await outcomeOf([web, batch], [], { rule: { count: 2, placement: { constraints: [{ type: 'memberOf', expression: 'attribute:pool == batch' }] } } }),
      );
      expect(startsOn(outcome.plan)).toEqual(['batch', 'batch']);
      expect(outcome.plan.starts[0]!.placement?.constraints).toEqual([{ type: 'memberOf', expression: 'attribute:pool == batch' }]);
    });

    it("keeps a slot's copies on distinct instances, without counting other slots' runs", async () => {
      const a = instanceFixture('a');
      const b = instanceFixture('b');
      const c = instanceFixture('c');
      // a holds this slot's first copy; b holds a run of the previous slot, in another group.
      const outcome = started(
        await outcomeOf([a, b, c], [run(SLOT, a), stoppedRun(PREVIOUS, b)], { rule: { count: 3, placement: { constraints: [{ type: 'distinctInstance' }] } } }),
      );
      expect(startsOn(outcome.plan).sort()).toEqual(['b', 'c']);
    });

    it('is reproducible for a slot, and differs between slots', async () => {
      const instances = Array.from({ length: 12 }, (_, i) => instanceFixture(`n${i}`));
      const snapshot = await snapshotOf(instances);
      const rule = { ...RULE, count: 3 };
      const choose = (slot: Date) => startsOn(started(planSlot({ snapshot, rule, target: TARGET, slot, now: slot })).plan).join(',');
      expect(choose(SLOT)).toBe(choose(SLOT));
      const slots = Array.from({ length: 6 }, (_, day) => new Date(Date.UTC(2026, 2, 1 + day, 2)));
      expect(new Set(slots.map(choose)).size).toBeGreaterThan(1);
    });
  });
});

describe('planOverdueStops', () => {
  const a = instanceFixture('a');
  const since = (ago: number, overrides: Partial<Task> = {}) =>
    run(PREVIOUS, a, { startedAt: new Date(SLOT.getTime() - ago * 1000), ...overrides });

  it.each([
    ['no limit', undefined, since(100_000), false],
    ['running past the limit', 3600, since(3601), true],
    ['running exactly the limit', 3600, since(3600), false],
    ['pending past the limit, by its creation time', 3600, since(0, { lastStatus: 'PENDING', startedAt: undefined, createdAt: seconds(-4000) }), true],
    ['already stopping', 3600, since(5000, { desiredStatus: 'STOPPED' }), false],
    ['stopped', 3600, since(5000, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }), false],
    ['another rule', 3600, since(5000, { startedBy: cronSlotKey({ name: 'other' }, PREVIOUS) }), false],
    ['with no times at all', 3600, since(0, { startedAt: undefined, createdAt: undefined }), false],
  ] as const)('%s: stopped %s', async (_, maxRunSeconds, task, expected) => {
    const rule = { ...RULE, maxRunSeconds };
    const stops = planOverdueStops({ snapshot: await snapshotOf([a], [task], rule), rule, now: SLOT });
    expect(stops.map((stop) => stop.taskArn)).toEqual(expected ? [task.arn] : []);
  });

  it('names the rule, the slot and the limit', async () => {
    const rule = { ...RULE, maxRunSeconds: 3600 };
    const [stop] = planOverdueStops({ snapshot: await snapshotOf([a], [since(4000)], rule), rule, now: SLOT });
    expect(stop?.reason).toBe(`cron nightly-report: the run for slot ${PREVIOUS.toISOString()} ran past maxRunSeconds 3600`);
  });
});

describe('cronScope', () => {
  it.each([
    ['no constraints', undefined, { kind: 'family', family: 'report', includeStopped: true }],
    ['an attribute constraint', [{ type: 'memberOf', expression: 'attribute:pool == batch' }], { kind: 'family', family: 'report', includeStopped: true }],
    ['distinctInstance (groups of its own family only)', [{ type: 'distinctInstance' }], { kind: 'family', family: 'report', includeStopped: true }],
    ['an expression reading task:group', [{ type: 'memberOf', expression: 'not(task:group == database)' }], { kind: 'all', stoppedFamily: 'report' }],
  ] as const)('%s', (_, constraints, expected) => {
    expect(cronScope({ ...RULE, placement: { constraints: constraints && [...constraints] } }, TARGET)).toEqual(expected);
  });

  it.each([
    ['Forbid', { overlapPolicy: 'Forbid' }, { kind: 'family', family: 'report', includeStopped: false }],
    ['Allow', { overlapPolicy: 'Allow' }, { kind: 'family', family: 'report', includeStopped: false }],
    ['an expression reading task:group', { placement: { constraints: [{ type: 'memberOf', expression: 'not(task:group == database)' }] } }, { kind: 'all' }],
    // Replace waits for earlier runs still stopping, which only the STOPPED list shows.
    ['Replace', { overlapPolicy: 'Replace' }, { kind: 'family', family: 'report', includeStopped: true }],
  ] as const)('for a slot claimed just now, with %s, leaves the STOPPED tasks out unless it must wait for them', (_, fields, expected) => {
    expect(cronScope({ ...RULE, ...(fields as Partial<CronRule>) }, TARGET, { claimedNow: true })).toEqual(expected);
  });
});

describe('cron slot keys', () => {
  it.each([
    ['2026-03-01T02:00:00Z'],
    ['1970-01-01T00:00:00Z'],
    ['2057-12-31T23:59:59Z'],
  ])('round-trips the slot %s', (iso) => {
    const slot = new Date(iso);
    expect(slotOfKey(RULE, cronSlotKey(RULE, slot))).toEqual(slot);
  });

  it('keeps sub-second precision out of the key', () => {
    expect(cronSlotKey(RULE, new Date('2026-03-01T02:00:00.999Z'))).toBe(KEY);
  });

  it("fits ECS's 36 characters and alphabet for a 23-character name until 2058", () => {
    const key = cronSlotKey({ name: 'a'.repeat(23) }, new Date('2057-12-31T23:59:59Z'));
    expect(key.length).toBeLessThanOrEqual(36);
    expect(key).toMatch(/^[A-Za-z0-9/_-]+$/);
  });

  it.each([
    ['another rule', cronSlotKey({ name: 'nightly' }, SLOT)],
    ['a daemon', 'daemon/nightly-report'],
    ['no startedBy', undefined],
  ])('reads no slot from the startedBy of %s', (_, startedBy) => {
    expect(slotOfKey(RULE, startedBy)).toBeUndefined();
  });
});
