import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { handleCronBatch, type CronContext } from '../../shared/handlers/cron/handle.js';
import { completionBoundSeconds, cronTimeouts } from '../../shared/queues/timeouts.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { isResultEvent } from '../../shared/report/result-events.js';
import { DetailType } from '../../shared/report/vocabulary.js';
import { cronSlotKey, type CronRule } from '../../shared/rules/cron/rule.js';
import { dieAtStart } from '../support/die.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics, silentLogger } from '../support/telemetry.js';

/**
 * A slot whose invocation died mid-apply, delivered again at the deployed timing (the visibility
 * timeout after the first receive, so past the starting deadline): it is completed, never left
 * half-started, and a slot that cannot be completed any more is reported failed. The "death" is
 * an invocation frozen at a StartTask for good (see dieAtStart).
 */

let clock = Date.parse('2026-03-01T02:00:01Z');
let emulator: Emulator;
let local: LocalLedger;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 7, clock: () => clock });
  local = await startLocalLedger({ now: () => new Date(clock) });
});
afterAll(async () => {
  await emulator.close();
  await local.close();
});

const SLOT = new Date('2026-03-01T02:00:00Z');
let rules = 0;

function setUp(rule: Partial<CronRule> = {}, instances = 3) {
  rules += 1;
  // Each case begins a second after its slot, within the starting deadline.
  clock = SLOT.getTime() + 1_000;
  const cluster = `redelivery-${rules}`;
  emulator.admin.createCluster(cluster);
  const family = `job-${rules}`;
  emulator.admin.registerTaskDefinition({ family, containerDefinitions: [{ name: 'main', image: 'job', cpu: 64, memory: 128 }] });
  for (let i = 0; i < instances; i++) emulator.admin.registerInstance({ cluster, cpu: 4096, memory: 8192 });
  const cron: CronRule = { name: `redo${rules}`, cluster, taskDefinition: family, schedule: 'cron(0 2 * * ? *)', ...rule };
  const timeouts = cronTimeouts(cron);
  /** One invocation, as Lambda starts it: its time runs out at the function's timeout. */
  const invocation = () => {
    const invokedAt = clock;
    const publisher = new MemoryPublisher();
    const metrics = new CapturingMetrics();
    const context: CronContext = {
      rules: new Map([[cron.name, cron]]),
      ecs: schedulerClient(emulator),
      ledger: local.ledger,
      publisher,
      logger: silentLogger(),
      metrics,
      now: () => new Date(clock),
      sleep: async (ms) => {
        clock += ms;
        await emulator.admin.settle();
      },
      remainingTimeMs: () => timeouts.functionSeconds * 1000 - (clock - invokedAt),
    };
    return { context, publisher, metrics };
  };
  const body = JSON.stringify({ kind: 'slot', rule: cron.name, slot: SLOT.toISOString() });
  const deliver = async (context: CronContext) => {
    const answer = await handleCronBatch([{ messageId: `m-${rules}`, body }], context);
    await emulator.admin.settle();
    return answer;
  };
  const copies = (slot = SLOT) => emulator.admin.listTasks(cluster, { startedBy: cronSlotKey(cron, slot) });
  return { cron, cluster, timeouts, invocation, deliver, copies };
}

describe('a begun cron slot, delivered again after its invocation died', () => {
  it('a count-20 slot killed after its first StartTask gets its missing copies on the redelivery, past the starting deadline', async () => {
    const { cron, timeouts, invocation, deliver, copies } = setUp({ count: 20 }, 10);
    const first = invocation();
    const died = dieAtStart(first.context.ecs, 2);
    void deliver(first.context);
    await died;
    await emulator.admin.settle();
    // Half-started: the first StartTask call (up to 10 instances) went through, the rest never did.
    const before = copies().length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(10);

    clock += timeouts.visibilitySeconds * 1000;
    const second = invocation();
    expect(await deliver(second.context)).toEqual({ batchItemFailures: [] });
    expect(copies()).toHaveLength(20);
    const started = second.publisher.events.filter(isResultEvent(DetailType.CronRunStarted));
    expect(started.map((e) => e.detail.startedNow)).toEqual([20 - before]);
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Running', attempts: [{ copies: expect.arrayContaining([expect.anything()]) }] });
    expect((await local.ledger.get(cron.name, SLOT))!.attempts[0]!.copies).toHaveLength(20);
  });

  it('a slot killed before its first copy runs on the redelivery', async () => {
    const { invocation, deliver, copies, timeouts } = setUp();
    const first = invocation();
    const died = dieAtStart(first.context.ecs, 1);
    void deliver(first.context);
    await died;
    clock += timeouts.visibilitySeconds * 1000;
    await deliver(invocation().context);
    expect(copies()).toHaveLength(1);
  });

  it('Replace killed between stopping the old run and starting the new one starts the new one on the redelivery', async () => {
    const { cron, cluster, invocation, deliver, timeouts } = setUp({ overlapPolicy: 'Replace', schedule: 'cron(0 * * * ? *)' });
    const previous = new Date(SLOT.getTime() - 3_600_000);
    clock = previous.getTime() + 1_000;
    const earlier = invocation();
    const body = JSON.stringify({ kind: 'slot', rule: cron.name, slot: previous.toISOString() });
    await handleCronBatch([{ messageId: 'previous', body }], earlier.context);
    await emulator.admin.settle();
    const [old] = emulator.admin.listTasks(cluster, { startedBy: cronSlotKey(cron, previous) });
    expect(old!.lastStatus).toBe('RUNNING');
    clock = SLOT.getTime() + 1_000;

    const first = invocation();
    const died = dieAtStart(first.context.ecs, 1);
    void deliver(first.context);
    await died;
    await emulator.admin.settle();
    expect(emulator.admin.describeTask(old!.arn).lastStatus).toBe('STOPPED');

    clock += timeouts.visibilitySeconds * 1000;
    const second = invocation();
    await deliver(second.context);
    const running = emulator.admin.listTasks(cluster, { desiredStatus: 'RUNNING' });
    expect(running.map((t) => t.startedBy)).toEqual([cronSlotKey(cron, SLOT)]);
  });

  it('a begun slot delivered after its completion bound is reported failed, in the metric that alarms, saying why', async () => {
    const { cron, invocation, deliver, copies, timeouts } = setUp({ count: 2 });
    const first = invocation();
    const died = dieAtStart(first.context.ecs, 1);
    void deliver(first.context);
    await died;
    clock += (completionBoundSeconds(timeouts) + 1) * 1000;
    const late = invocation();
    expect(await deliver(late.context)).toEqual({ batchItemFailures: [] });
    expect(copies()).toHaveLength(0);
    const [failed] = late.publisher.events.filter(isResultEvent(DetailType.CronSlotFailed));
    expect(failed!.detail.reasons.join(' ')).toMatch(/began in time but has 0 of 2 copies at its completion bound/);
    expect(late.metrics.published.at(-1)).toMatchObject({ SlotsFailed: 1 });
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Failed' });
  });

  it('a first delivery after the starting deadline is still skipped as too late: the deadline decides whether a slot begins', async () => {
    const { cron, invocation, deliver, copies } = setUp();
    clock = SLOT.getTime() + 301_000;
    const late = invocation();
    await deliver(late.context);
    expect(copies()).toHaveLength(0);
    expect(late.publisher.events.filter(isResultEvent(DetailType.CronSlotSkipped)).map((e) => e.detail.reason)).toEqual(['too-late']);
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Skipped' });
  });
});
