import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { handleCronBatch, type CronContext } from '../../shared/handlers/cron/handle.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { isResultEvent, type ResultDetails, type ResultEvent } from '../../shared/report/result-events.js';
import type { DetailType } from '../../shared/report/vocabulary.js';
import { cronSlotKey, type CronRule } from '../../shared/rules/cron/index.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics } from '../support/telemetry.js';

/**
 * Cron rules whose copies ECS places (Fargate, capacity provider strategies), end to end: the
 * real SDK against the emulator's RunTask, the local ledger, one clock for both.
 */

let clock = Date.parse('2026-03-01T00:00:00Z');
let emulator: Emulator;
let ledger: LocalLedger;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 11, clock: () => clock });
  ledger = await startLocalLedger({ now: () => new Date(clock) });
});
afterAll(async () => {
  await emulator.close();
  await ledger.close();
});
afterEach(() => emulator.setFargateCapacity(true));

const SLOT = new Date('2026-03-01T02:00:00Z');
const at = (slot: Date, seconds: number) => slot.getTime() + seconds * 1000;
const FARGATE: CronRule['launch'] = { type: 'fargate', subnets: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], securityGroups: ['sg-0123456789abcdef0'] };

let clusters = 0;
function cluster(rule: Partial<CronRule> = {}) {
  clusters += 1;
  const name = `launch-${clusters}`;
  emulator.admin.createCluster(name);
  const family = `job-${clusters}`;
  emulator.admin.registerTaskDefinition({
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'main', image: 'report' }],
  });
  const cron: CronRule = { name: `fg${clusters}`, cluster: name, taskDefinition: family, schedule: 'cron(0 2 * * ? *)', launch: FARGATE, ...rule };
  return { name, family, rule: cron };
}

function context(rules: CronRule[], onSleep?: (n: number) => void): CronContext & { publisher: MemoryPublisher } {
  let sleeps = 0;
  return {
    rules: new Map(rules.map((rule) => [rule.name, rule])),
    ecs: schedulerClient(emulator),
    ledger: ledger.ledger,
    publisher: new MemoryPublisher(),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics: new CapturingMetrics(),
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
      await emulator.admin.settle();
      onSleep?.(++sleeps);
    },
    remainingTimeMs: () => 900_000,
    readPacer: new ReadPacer({ burst: 1_000_000, perSecond: 1_000_000, concurrency: 100 }),
  };
}

const message = (rule: CronRule, slot: Date, id = 'm-1') => [{ messageId: id, body: JSON.stringify({ kind: 'slot', rule: rule.name, slot: slot.toISOString() }) }];
const copies = (name: string, rule: CronRule, slot: Date) => emulator.admin.listTasks(name, { startedBy: cronSlotKey(rule, slot), desiredStatus: undefined }).concat(emulator.admin.listTasks(name, { startedBy: cronSlotKey(rule, slot), desiredStatus: 'STOPPED' }));
const ofType = <T extends DetailType>(events: readonly ResultEvent[], type: T): Array<ResultDetails[T]> => events.filter(isResultEvent(type)).map((e) => e.detail);

describe('cron rules on Fargate', () => {
  it('runs a slot of 12 copies as two RunTask calls, awsvpc tasks on no instance, and reports them', async () => {
    const { name, rule } = cluster({ count: 12 });
    clock = at(SLOT, 2);
    emulator.calls.reset();
    const ctx = context([rule]);
    expect(await handleCronBatch(message(rule, SLOT), ctx)).toEqual({ batchItemFailures: [] });
    await emulator.admin.settle();

    const started = copies(name, rule, SLOT);
    expect(started).toHaveLength(12);
    expect(started.every((task) => task.launchType === 'FARGATE' && task.containerInstanceArn === undefined && task.lastStatus === 'RUNNING')).toBe(true);
    expect(emulator.calls.count('RunTask')).toBe(2);
    expect(emulator.calls.count('StartTask')).toBe(0);
    const [event] = ofType(ctx.publisher.events, 'Cron Run Started');
    expect(event).toMatchObject({ rule: rule.name, count: 12, startedNow: 12 });
  });

  it('starts a slot once when it is delivered twice, and when two invocations take it at once', async () => {
    const { name, rule } = cluster({ count: 3 });
    clock = at(SLOT, 1);
    const [first, second] = await Promise.all([handleCronBatch(message(rule, SLOT), context([rule])), handleCronBatch(message(rule, SLOT), context([rule]))]);
    expect([first.batchItemFailures.length, second.batchItemFailures.length].sort()).toEqual([0, 1]);
    const again = context([rule]);
    expect(await handleCronBatch(message(rule, SLOT), again)).toEqual({ batchItemFailures: [] });
    await emulator.admin.settle();
    expect(copies(name, rule, SLOT)).toHaveLength(3);
    expect(ofType(again.publisher.events, 'Cron Slot Skipped').map((s) => s.reason)).toEqual(['slot-complete']);
  });

  it('a RunTask whose answer is lost is retried with the same client token: ECS starts its tasks once', async () => {
    const { name, rule } = cluster({ count: 2 });
    clock = at(SLOT, 1);
    emulator.calls.reset();
    // ECS runs the tasks and the answer never arrives: the SDK retries, with the same token.
    emulator.failCalls({ operation: 'RunTask', times: 1, answerLost: true });
    const ctx = context([rule]);
    expect(await handleCronBatch(message(rule, SLOT), ctx)).toEqual({ batchItemFailures: [] });
    await emulator.admin.settle();
    expect(emulator.calls.count('RunTask')).toBe(2);
    expect(copies(name, rule, SLOT)).toHaveLength(2);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toHaveLength(1);
  });

  it('Forbid skips the next slot while the last run is still PROVISIONING or PENDING on Fargate', async () => {
    const { rule } = cluster({ schedule: 'rate(5 minutes)' });
    const release = emulator.admin.holdTransitions();
    try {
      clock = at(SLOT, 1);
      await handleCronBatch(message(rule, SLOT), context([rule]));
      const next = new Date(SLOT.getTime() + 300_000);
      clock = at(next, 1);
      const ctx = context([rule]);
      await handleCronBatch(message(rule, next, 'm-2'), ctx);
      expect(ofType(ctx.publisher.events, 'Cron Slot Skipped').map((s) => s.reason)).toEqual(['overlap-forbidden']);
    } finally {
      release();
      await emulator.admin.settle();
    }
  });

  it('retries Fargate capacity errors with backoff, then starts once capacity is back', async () => {
    const { name, rule } = cluster({ count: 2 });
    clock = at(SLOT, 1);
    emulator.setFargateCapacity(false);
    const ctx = context([rule], (n) => n === 2 && emulator.setFargateCapacity(true));
    await handleCronBatch(message(rule, SLOT), ctx);
    await emulator.admin.settle();
    expect(copies(name, rule, SLOT)).toHaveLength(2);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toMatchObject([{ attempts: 3, startedNow: 2 }]);
  });

  it('gives up at the starting deadline and reports Fargate\'s reason', async () => {
    const { name, rule } = cluster({ startingDeadlineSeconds: 120 });
    clock = at(SLOT, 1);
    emulator.setFargateCapacity(false);
    const ctx = context([rule]);
    await handleCronBatch(message(rule, SLOT), ctx);
    expect(copies(name, rule, SLOT)).toHaveLength(0);
    const [failed] = ofType(ctx.publisher.events, 'Cron Slot Failed');
    expect(failed?.reasons).toEqual(expect.arrayContaining([expect.stringContaining('RunTask on FARGATE: Capacity is unavailable at this time'), expect.stringContaining('the starting deadline')]));
    expect(clock).toBeLessThanOrEqual(at(SLOT, 120));
  });

  it('fails a slot at once, naming the task definition, when Fargate cannot run it', async () => {
    const { name, rule } = cluster();
    emulator.admin.registerTaskDefinition({ family: 'bridge-job', containerDefinitions: [{ name: 'main', image: 'report', cpu: 256, memory: 512 }] });
    const bridged = { ...rule, taskDefinition: 'bridge-job' };
    clock = at(SLOT, 1);
    const ctx = context([bridged]);
    await handleCronBatch(message(bridged, SLOT), ctx);
    expect(copies(name, bridged, SLOT)).toHaveLength(0);
    const [failed] = ofType(ctx.publisher.events, 'Cron Slot Failed');
    expect(failed?.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/task definition .*bridge-job:1 cannot run on Fargate: its network mode is bridge/)]));
  });
});

describe('maximum run time on Fargate', () => {
  it('the overdue pass stops a Fargate run past maxRunSeconds, with the reason', async () => {
    const { name, rule } = cluster({ maxRunSeconds: 60 });
    clock = at(SLOT, 1);
    await handleCronBatch(message(rule, SLOT), context([rule]));
    await emulator.admin.settle();
    clock = at(SLOT, 180);
    const ctx = context([rule]);
    expect(await handleCronBatch([{ messageId: 'o-1', body: JSON.stringify({ kind: 'overdue', rule: rule.name }) }], ctx)).toEqual({ batchItemFailures: [] });
    await emulator.admin.settle();
    const [copy] = copies(name, rule, SLOT);
    expect(copy).toMatchObject({ lastStatus: 'STOPPED', launchType: 'FARGATE' });
    expect(copy?.stoppedReason).toContain(`cron ${rule.name}:`);
    expect(ofType(ctx.publisher.events, 'Cron Run Stopped')).toHaveLength(1);
  });
});

describe('cron rules on capacity providers', () => {
  it('runs a slot through a capacity provider strategy, on that provider\'s instances only', async () => {
    const { name, rule } = cluster({ count: 2 });
    emulator.admin.registerTaskDefinition({ family: 'ec2-job', containerDefinitions: [{ name: 'main', image: 'report', cpu: 256, memory: 512 }] });
    emulator.admin.setCapacityProviders(name, [{ name: 'spot-pool', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/spot' }]);
    const pool = emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096, capacityProvider: 'spot-pool' });
    emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096 });
    const onPool: CronRule = { ...rule, taskDefinition: 'ec2-job', launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'spot-pool' }] } };
    clock = at(SLOT, 1);
    const ctx = context([onPool]);
    await handleCronBatch(message(onPool, SLOT), ctx);
    await emulator.admin.settle();
    const started = copies(name, onPool, SLOT);
    expect(started.map((task) => [task.containerInstanceArn, task.capacityProviderName])).toEqual([
      [pool, 'spot-pool'],
      [pool, 'spot-pool'],
    ]);
  });

  it('starts a Fargate Spot strategy slot once under duplicated and concurrent delivery, shared by base and weight', async () => {
    const { name, rule } = cluster({ count: 4 });
    emulator.admin.setCapacityProviders(name, [{ name: 'FARGATE' }, { name: 'FARGATE_SPOT' }]);
    const spot: CronRule = {
      ...rule,
      launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 0 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }], subnets: ['subnet-0123456789abcdef0'] },
    };
    clock = at(SLOT, 1);
    await Promise.all([handleCronBatch(message(spot, SLOT), context([spot])), handleCronBatch(message(spot, SLOT), context([spot]))]);
    await handleCronBatch(message(spot, SLOT), context([spot]));
    await emulator.admin.settle();
    const started = copies(name, spot, SLOT);
    expect(started).toHaveLength(4);
    expect(started.map((task) => task.capacityProviderName).sort()).toEqual(['FARGATE', 'FARGATE_SPOT', 'FARGATE_SPOT', 'FARGATE_SPOT']);
  });

  it('retries a capacity provider without instances until the deadline, then reports CAPACITY_PROVIDER', async () => {
    const { name, rule } = cluster({ startingDeadlineSeconds: 60 });
    emulator.admin.registerTaskDefinition({ family: 'ec2-job-2', containerDefinitions: [{ name: 'main', image: 'report', cpu: 256, memory: 512 }] });
    emulator.admin.setCapacityProviders(name, [{ name: 'empty-pool', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:3:autoScalingGroupName/empty' }]);
    emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096 });
    const onPool: CronRule = { ...rule, taskDefinition: 'ec2-job-2', launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'empty-pool' }] } };
    clock = at(SLOT, 1);
    emulator.calls.reset();
    const ctx = context([onPool]);
    await handleCronBatch(message(onPool, SLOT), ctx);
    expect(copies(name, onPool, SLOT)).toHaveLength(0);
    expect(emulator.calls.count('RunTask')).toBeGreaterThan(1);
    const [failed] = ofType(ctx.publisher.events, 'Cron Slot Failed');
    expect(failed?.reasons).toEqual(expect.arrayContaining([expect.stringContaining('RunTask on capacity providers empty-pool: CAPACITY_PROVIDER'), expect.stringContaining('the starting deadline')]));
  });
  it('starts every copy once a capacity provider gets room, though ECS listed one failure for several copies', async () => {
    const { name, rule } = cluster({ count: 2, startingDeadlineSeconds: 120 });
    emulator.admin.registerTaskDefinition({ family: 'ec2-late', containerDefinitions: [{ name: 'main', image: 'report', cpu: 256, memory: 512 }] });
    emulator.admin.setCapacityProviders(name, [{ name: 'late-pool', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:4:autoScalingGroupName/late' }]);
    emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096 });
    const onPool: CronRule = { ...rule, taskDefinition: 'ec2-late', launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'late-pool' }] } };
    clock = at(SLOT, 1);
    // The pool's Auto Scaling group launches an instance while the handler waits to retry.
    const ctx = context([onPool], (n) => n === 1 && emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096, capacityProvider: 'late-pool' }));
    await handleCronBatch(message(onPool, SLOT), ctx);
    await emulator.admin.settle();
    expect(copies(name, onPool, SLOT)).toHaveLength(2);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toMatchObject([{ attempts: 2, startedNow: 2 }]);
  });
});
