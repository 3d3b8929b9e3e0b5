import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { matchesPattern, runEndsPattern } from '../../shared/events/patterns.js';
import { handleCronBatch, type CronContext } from '../../shared/handlers/cron/handle.js';
import { RunLedger } from '../../shared/ledger/run-ledger.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { isResultEvent } from '../../shared/report/result-events.js';
import { DetailType } from '../../shared/report/vocabulary.js';
import { cronAttemptKey, cronRulePrefix, cronSlotKey, type CronRule } from '../../shared/rules/cron/rule.js';
import { dieAtStart } from '../support/die.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics, silentLogger } from '../support/telemetry.js';

/**
 * Run outcomes, retries and the ledger, end to end: slot messages, the copies' STOPPED events as
 * the deployed EventBridge rule delivers them (duplicated and reordered too) and the retry pass,
 * through handleCronBatch, against the emulator and a DynamoDB-protocol ledger on 127.0.0.1. One
 * clock drives the emulator, the ledger and the handler.
 */

let clock = Date.parse('2026-03-01T02:00:01Z');
let emulator: Emulator;
let local: LocalLedger;
const stopped: unknown[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 5, clock: () => clock });
  local = await startLocalLedger({ now: () => new Date(clock) });
  emulator.onEvent((event) => stopped.push(event));
});
afterAll(async () => {
  await emulator.close();
  await local.close();
});

const SLOT = new Date('2026-03-01T02:00:00Z');
let rules = 0;

function setUp(rule: Partial<CronRule> = {}) {
  rules += 1;
  const cluster = `outcomes-${rules}`;
  const clusterArn = emulator.admin.createCluster(cluster);
  const family = `job-${rules}`;
  emulator.admin.registerTaskDefinition({
    family,
    containerDefinitions: [
      { name: 'main', image: 'job', cpu: 256, memory: 512 },
      { name: 'log', image: 'log', cpu: 0, memory: 64, essential: false },
    ],
  });
  for (let i = 0; i < 3; i++) emulator.admin.registerInstance({ cluster, cpu: 2048, memory: 4096 });
  const cron: CronRule = { name: `run${rules}`, cluster, taskDefinition: family, schedule: 'cron(0 2 * * ? *)', ...rule };
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
    remainingTimeMs: () => 900_000,
  };
  let messages = 0;
  const send = async (...bodies: unknown[]) => {
    const batch = bodies.map((body) => ({ messageId: `m-${rules}-${(messages += 1)}`, body: typeof body === 'string' ? body : JSON.stringify(body) }));
    const response = await handleCronBatch(batch, context);
    await emulator.admin.settle();
    return response;
  };
  /** The STOPPED events of the rule's copies since the last call, as EventBridge would deliver them. */
  const pattern = runEndsPattern(clusterArn, cronRulePrefix(cron));
  const takeStops = () => {
    const mine = stopped.filter((event) => matchesPattern(pattern, event));
    stopped.length = 0;
    return mine;
  };
  /** The job's containers exit with `code` (the essential one decides). */
  const finish = async (startedBy: string, code: number) => {
    takeStops();
    for (const task of emulator.admin.listTasks(cluster, { startedBy, desiredStatus: 'RUNNING' })) emulator.admin.stopTask(task.arn, 'Essential container in task exited', code);
    await emulator.admin.settle();
    return takeStops();
  };
  const events = () => publisher.events;
  return { cron, cluster, clusterArn, context, send, finish, events, metrics };
}

const slotMessage = (rule: CronRule) => ({ kind: 'slot', rule: rule.name, slot: SLOT.toISOString() });

describe('cron run outcomes', () => {
  it('records a run whose copies all exit 0 as succeeded, once, however the STOPPED events arrive', async () => {
    const { cron, cluster, send, finish, events, metrics } = setUp({ count: 2 });
    await send(slotMessage(cron));
    expect(emulator.admin.listTasks(cluster, { startedBy: cronSlotKey(cron, SLOT) })).toHaveLength(2);
    clock += 90_000;
    const stops = await finish(cronSlotKey(cron, SLOT), 0);
    expect(stops).toHaveLength(2);
    // At least once and out of order: each event twice, the second copy's first.
    const response = await send(stops[1], stops[0], stops[1], stops[0]);
    expect(response.batchItemFailures).toEqual([]);

    const succeeded = events().filter(isResultEvent(DetailType.CronRunSucceeded));
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]!.detail).toMatchObject({ rule: cron.name, slot: SLOT.toISOString(), attempt: 1, maxAttempts: 1, durationSeconds: 90, reasons: [] });
    expect(succeeded[0]!.detail.copies.map((copy) => copy.containers.find((c) => c.name === 'main')?.exitCode)).toEqual([0, 0]);
    expect(metrics.published.filter((doc) => (doc as Record<string, unknown>).RunsSucceeded === 1)).toHaveLength(1);
    const record = await local.ledger.get(cron.name, SLOT);
    expect(record).toMatchObject({ state: 'Succeeded', attempts: [{ number: 1, outcome: 'Succeeded' }] });
  });

  it('retries a failed run as the slot\'s next attempt, once, and the slot succeeds when the retry does', async () => {
    const { cron, cluster, send, finish, events } = setUp({ retries: 2, retryDelaySeconds: 60 });
    await send(slotMessage(cron));
    clock += 30_000;
    const endedAt = clock;
    const stops = await finish(cronSlotKey(cron, SLOT), 1);
    await send(...stops, ...stops);

    const failed = events().filter(isResultEvent(DetailType.CronRunFailed));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail).toMatchObject({ attempt: 1, maxAttempts: 3, retryAt: new Date(endedAt + 60_000).toISOString() });
    expect(failed[0]!.detail.reasons[0]).toMatch(/^task \w+: EssentialContainerExited: Essential container in task exited; container main exited 1$/);
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Retrying' });

    // Too early: the pass begins nothing.
    await send({ kind: 'retries', rule: cron.name });
    expect(emulator.admin.listTasks(cluster, { startedBy: cronAttemptKey(cron, SLOT, 2) })).toHaveLength(0);
    // Due: the pass, delivered twice, begins attempt 2 once.
    clock += 61_000;
    await send({ kind: 'retries', rule: cron.name }, { kind: 'retries', rule: cron.name, at: new Date(clock).toISOString() });
    expect(emulator.admin.listTasks(cluster, { startedBy: cronAttemptKey(cron, SLOT, 2) })).toHaveLength(1);
    expect(cronAttemptKey(cron, SLOT, 2)).toBe(`${cronSlotKey(cron, SLOT)}/2`);

    const second = await finish(cronAttemptKey(cron, SLOT, 2), 0);
    await send(...second);
    expect(events().filter(isResultEvent(DetailType.CronRunSucceeded)).map((e) => e.detail.attempt)).toEqual([2]);
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Succeeded', attempts: [{ number: 1, outcome: 'Failed' }, { number: 2, outcome: 'Succeeded' }] });
  });

  it('ends the slot failed after its last attempt, and counts it in the metric that alarms', async () => {
    const { cron, send, finish, events, metrics } = setUp({ retries: 1, retryDelaySeconds: 60 });
    await send(slotMessage(cron));
    await send(...(await finish(cronSlotKey(cron, SLOT), 2)));
    clock += 61_000;
    await send({ kind: 'retries', rule: cron.name });
    await send(...(await finish(cronAttemptKey(cron, SLOT, 2), 3)));

    const failed = events().filter(isResultEvent(DetailType.CronRunFailed));
    expect(failed.map((e) => [e.detail.attempt, e.detail.retryAt !== undefined])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(metrics.published.filter((doc) => (doc as Record<string, unknown>).RunsFailed === 1)).toHaveLength(1);
    expect(metrics.published.filter((doc) => (doc as Record<string, unknown>).RunsRetried === 1)).toHaveLength(1);
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Failed', reason: expect.stringContaining('container main exited 3') });
  });

  it('a retry whose invocation died after claiming it is taken over by a later pass once its lease runs out, and runs', async () => {
    const { cron, cluster, context, send, finish } = setUp({ retries: 1, retryDelaySeconds: 60 });
    const startedAt = clock;
    await send(slotMessage(cron));
    await send(...(await finish(cronSlotKey(cron, SLOT), 1)));
    clock += 61_000;
    const dying = { ...context, ecs: schedulerClient(emulator) };
    const died = dieAtStart(dying.ecs, 1);
    void handleCronBatch([{ messageId: 'pass-1', body: JSON.stringify({ kind: 'retries', rule: cron.name }) }], dying);
    await died;
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Claimed', attempts: [{ number: 1 }, { number: 2 }] });

    // While its lease runs, a pass leaves it alone; once it has run out, a pass takes it over, past its starting deadline.
    clock += 60_000;
    await send({ kind: 'retries', rule: cron.name, at: new Date(clock).toISOString() });
    expect(emulator.admin.listTasks(cluster, { startedBy: cronAttemptKey(cron, SLOT, 2) })).toHaveLength(0);
    clock += 900_000;
    await send({ kind: 'retries', rule: cron.name, at: new Date(clock).toISOString() });
    expect(emulator.admin.listTasks(cluster, { startedBy: cronAttemptKey(cron, SLOT, 2) })).toHaveLength(1);
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Running', attempts: [{ number: 1 }, { number: 2, copies: [expect.anything()] }] });
    expect((await local.ledger.get(cron.name, SLOT))!.retryAt).toBeUndefined();
    // The other cases deliver SLOT within its starting deadline.
    clock = startedAt;
  });

  it('never retries a run the scheduler stopped for running past maxRunSeconds, and does not report it as a failure', async () => {
    const { cron, clusterArn, send, events } = setUp({ retries: 2, maxRunSeconds: 60 });
    await send(slotMessage(cron));
    clock += 120_000;
    stopped.length = 0;
    await send({ kind: 'overdue', rule: cron.name });
    const pattern = runEndsPattern(clusterArn, cronRulePrefix(cron));
    await send(...stopped.filter((event) => matchesPattern(pattern, event)));

    expect(events().filter(isResultEvent(DetailType.CronRunFailed))).toEqual([]);
    expect(await local.ledger.get(cron.name, SLOT)).toMatchObject({ state: 'Stopped', reason: expect.stringContaining('ran past maxRunSeconds 60') });
  });

  it('rejects, by rule and slot, a STOPPED event of a run the ledger never recorded', async () => {
    const { cron, cluster, send, finish, events } = setUp();
    // A copy started outside the scheduler, under the rule's startedBy.
    const ecs = schedulerClient(emulator);
    const { StartTaskCommand } = await import('@aws-sdk/client-ecs');
    const instance = emulator.admin.listInstances(cluster)[0]!.arn;
    await ecs.send(new StartTaskCommand({ cluster, taskDefinition: cron.taskDefinition, containerInstances: [instance], startedBy: cronSlotKey(cron, SLOT) }));
    await emulator.admin.settle();
    const response = await send(...(await finish(cronSlotKey(cron, SLOT), 0)));

    expect(response.batchItemFailures).toEqual([]);
    const rejected = events().filter(isResultEvent(DetailType.CronMessageRejected));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.detail.problem).toMatch(new RegExp(`of rule ${cron.name}, slot 2026-03-01T02:00:00.000Z \\(attempt 1\\), stopped, but the run ledger has no record of that slot`));
  });

  it('fails the message, starting nothing, when the ledger cannot be written', async () => {
    const { cron, cluster } = setUp();
    // A ledger whose table does not exist: every request fails, as with a missing grant or a DynamoDB outage.
    const unreachable = new RunLedger(local.dynamo, 'no-such-table');
    const response = await handleCronBatch([{ messageId: 'down', body: JSON.stringify(slotMessage(cron)) }], {
      rules: new Map([[cron.name, cron]]),
      ecs: schedulerClient(emulator),
      ledger: unreachable,
      publisher: new MemoryPublisher(),
      logger: silentLogger(),
      metrics: new CapturingMetrics(),
      now: () => new Date(clock),
      sleep: () => Promise.resolve(),
      remainingTimeMs: () => 900_000,
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'down' }]);
    expect(emulator.admin.listTasks(cluster)).toHaveLength(0);
  });

  it('rejects a slot whose ledger record has another schema version, naming rule and slot, and starts nothing', async () => {
    const { cron, cluster, send, events } = setUp();
    await local.dynamo.send(
      new PutItemCommand({
        TableName: local.tableName,
        Item: { pk: { S: `cron#${cron.name}` }, sk: { S: SLOT.toISOString() }, rule: { S: cron.name }, slot: { S: SLOT.toISOString() }, schemaVersion: { N: '2' } },
      }),
    );
    const response = await send(slotMessage(cron));
    expect(response.batchItemFailures).toEqual([]);
    expect(emulator.admin.listTasks(cluster)).toHaveLength(0);
    const rejected = events().filter(isResultEvent(DetailType.CronMessageRejected));
    expect(rejected.map((e) => [e.detail.rule, e.detail.problem])).toEqual([[cron.name, expect.stringMatching(/rule run\d+, slot 2026-03-01T02:00:00.000Z, has schema version 2/)]]);
  });
});
