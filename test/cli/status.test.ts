import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import type { HistoryRow } from '../../cli/history.js';
import type { CronStatusView, DaemonStatusView } from '../../cli/status.js';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { matchesPattern, runEndsPattern } from '../../shared/events/patterns.js';
import { handleCronBatch } from '../../shared/handlers/cron/handle.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { cronRulePrefix, cronSlotKey, type CronRule } from '../../shared/rules/cron/rule.js';
import { parseSchedule, previousSlot, zonedTime } from '../../shared/schedule/index.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics, silentLogger } from '../support/telemetry.js';
import { ecsSched, writeConfig } from './helpers.js';

/**
 * `status` and `history` as an operator runs them: the CLI as a process, reading the emulator and
 * a run ledger on a DynamoDB-protocol server on 127.0.0.1, after the real cron handler (as the
 * deployed function would) ran two scheduled slots to their outcomes and a run-now that still
 * runs, and `ecs-sched run` reconciled the daemon rule.
 */

let emulator: Emulator;
let local: LocalLedger;
const events: unknown[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 11 });
  local = await startLocalLedger();
  emulator.onEvent((event) => events.push(event));
});
afterAll(async () => {
  await emulator.close();
  await local.close();
});

const cron: CronRule = { name: 'report', cluster: 'ops', taskDefinition: 'report', schedule: 'cron(0 2 * * ? *)', timeZone: 'America/New_York' };
const config = {
  clusters: { ops: {} },
  daemons: [{ name: 'agent', cluster: 'ops', taskDefinition: 'agent' }],
  crons: [{ ...cron, cluster: 'ops' }],
};

/** The two latest 02:00 New York slots before now: the older one succeeds, the newer one fails. */
const schedule = parseSchedule(cron.schedule, cron.timeZone);
const newer = previousSlot(schedule, new Date())!;
const older = previousSlot(schedule, new Date(newer.getTime() - 1000))!;
let runNowSlot: string;

/** A command reading the run ledger (and, but for history, the emulator). */
const cli = (args: string[]) =>
  ecsSched([...args, '--config', configFile, ...(args[0] === 'history' ? [] : ['--endpoint', emulator.endpoint]), '--table', local.tableName], {
    env: { AWS_ENDPOINT_URL_DYNAMODB: local.endpoint },
  });
let configFile: string;

beforeAll(async () => {
  configFile = writeConfig('status.json', config);
  const clusterArn = emulator.admin.createCluster('ops');
  emulator.admin.registerTaskDefinition({ family: 'report', containerDefinitions: [{ name: 'main', image: 'report', cpu: 256, memory: 512 }] });
  emulator.admin.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 128, memory: 128 }] });
  for (let i = 0; i < 3; i++) emulator.admin.registerInstance({ cluster: 'ops', cpu: 2048, memory: 4096 });

  const handle = async (now: Date, ...bodies: unknown[]) => {
    const ecs = schedulerClient(emulator);
    await handleCronBatch(
      bodies.map((body, i) => ({ messageId: `m-${now.getTime()}-${i}`, body: JSON.stringify(body) })),
      {
        rules: new Map([[cron.name, { ...cron, cluster: 'ops' }]]),
        ecs,
        ledger: local.ledger,
        publisher: new MemoryPublisher(),
        logger: silentLogger(),
        metrics: new CapturingMetrics(),
        now: () => now,
        sleep: async () => {},
        remainingTimeMs: () => 900_000,
      },
    );
    ecs.destroy();
    await emulator.admin.settle();
  };
  const stopsOf = (slot: Date) => events.filter((event) => matchesPattern(runEndsPattern(clusterArn, cronRulePrefix(cron)), event) && JSON.stringify(event).includes(cronSlotKey(cron, slot)));
  for (const [slot, exitCode] of [[older, 0], [newer, 3]] as const) {
    await handle(new Date(slot.getTime() + 1000), { kind: 'slot', rule: cron.name, slot: slot.toISOString() });
    for (const task of emulator.admin.listTasks('ops', { startedBy: cronSlotKey(cron, slot), desiredStatus: 'RUNNING' })) {
      emulator.admin.stopTask(task.arn, 'Essential container in task exited', exitCode);
    }
    await emulator.admin.settle();
    await handle(new Date(slot.getTime() + 120_000), ...stopsOf(slot));
  }
  const now = new Date();
  runNowSlot = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
  await handle(now, { kind: 'run-now', rule: cron.name, requestedAt: now.toISOString() });
}, 60_000);

describe('ecs-sched status', () => {
  it('shows each cron rule\'s last slot and outcome from the ledger, and each daemon rule\'s coverage, as kubectl get does', async () => {
    const reconcile = await ecsSched(['run', 'agent', '--yes', '--config', configFile, '--endpoint', emulator.endpoint]);
    expect(reconcile.code).toBe(0);
    await emulator.admin.settle();

    const { code, stdout, stderr } = await cli(['status']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CRON RULE\s+SCHEDULE\s+TIME ZONE\s+SUSPEND\s+LAST SLOT\s+OUTCOME\s+ACTIVE\s+NEXT SLOT$/);
    // Slot times in the rule's zone beside UTC: the next slot of cron(0 2 * * ? *) is 02:00 in New York.
    const lastZoned = `${runNowSlot} \\(${zonedTime(runNowSlot, 'America/New_York')}\\)`;
    expect(lines[2]).toMatch(new RegExp(`^report\\s+cron\\(0 2 \\* \\* \\? \\*\\)\\s+America/New_York\\s+false\\s+${lastZoned}\\s+Running\\s+1\\s+\\S+Z \\(\\d{4}-\\d\\d-\\d\\d 02:00 America/New_York\\)$`));
    expect(lines[4]).toMatch(/^DAEMON RULE\s+DESIRED\s+CURRENT\s+UP-TO-DATE\s+AVAILABLE\s+MISSCHEDULED\s+FAILED-TO-PLACE$/);
    expect(lines[6]).toMatch(/^agent\s+3\s+3\s+3\s+3\s+0\s+0$/);
  });

  it('gives the same as one JSON document with --json', async () => {
    const { code, stdout } = await cli(['status', '--json']);
    expect(code).toBe(0);
    const { crons, daemons, errors } = JSON.parse(stdout) as { crons: CronStatusView[]; daemons: DaemonStatusView[]; errors: unknown[] };
    expect(errors).toEqual([]);
    expect(crons).toEqual([
      {
        kind: 'cron',
        rule: 'report',
        cluster: 'ops',
        schedule: cron.schedule,
        timeZone: 'America/New_York',
        suspended: false,
        lastSlot: runNowSlot,
        lastState: 'Running',
        lastReason: null,
        activeRuns: 1,
        nextSlot: expect.stringMatching(/Z$/),
      },
    ]);
    expect(Date.parse(crons[0]!.nextSlot!)).toBeGreaterThan(Date.now());
    expect(daemons).toEqual([{ kind: 'daemon', rule: 'agent', cluster: 'ops', desired: 3, current: 3, upToDate: 3, available: 3, misscheduled: 0, failedToPlace: 0 }]);
  });

  it('without --table says the outcome is unknown rather than guessing', async () => {
    const { code, stdout, stderr } = await ecsSched(['status', 'report', '--json', '--config', configFile, '--endpoint', emulator.endpoint]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const { crons } = JSON.parse(stdout) as { crons: CronStatusView[] };
    expect(crons[0]).toMatchObject({ lastSlot: newer.toISOString(), lastState: null, activeRuns: 1 });
  });

  it('reports a rule whose cluster does not exist and still shows the others, exiting 1', async () => {
    const file = writeConfig('status-missing.json', { ...config, clusters: { ...config.clusters, gone: {} }, daemons: [{ name: 'lost', cluster: 'gone', taskDefinition: 'agent' }] });
    const { code, stdout } = await ecsSched(['status', '--config', file, '--endpoint', emulator.endpoint]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^report\s/m);
    expect(stdout).toMatch(/^daemon lost: error: cluster "gone" was not found/m);
  });
});

describe('ecs-sched history', () => {
  it('lists the rule\'s slots newest first with outcome, attempts, duration, where they ran and exit codes', async () => {
    const { code, stdout, stderr } = await cli(['history', 'report']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SLOT\s+TRIGGER\s+OUTCOME\s+ATTEMPTS\s+DURATION\s+RAN ON\s+EXIT\s+REASON$/);
    expect(lines[2]).toMatch(new RegExp(`^${runNowSlot}\\s+manual\\s+Running\\s+1\\s+-\\s+i-\\w+\\s+-$`));
    expect(lines[3]).toMatch(new RegExp(`^${newer.toISOString()}\\s+schedule\\s+Failed\\s+1\\s+\\d+s\\s+i-\\w+\\s+main=3\\s+task \\w+: EssentialContainerExited`));
    expect(lines[4]).toMatch(new RegExp(`^${older.toISOString()}\\s+schedule\\s+Succeeded\\s+1\\s+\\d+s\\s+i-\\w+\\s+-$`));
    expect(lines[5]).toBe('(3 rows)');
  });

  it('takes --limit and --json', async () => {
    const { code, stdout } = await cli(['history', 'report', '--limit', '2', '--json']);
    expect(code).toBe(0);
    const { slots } = JSON.parse(stdout) as { slots: HistoryRow[] };
    expect(slots.map((row) => [row.slot, row.state, row.exitCodes])).toEqual([
      [runNowSlot, 'Running', []],
      [newer.toISOString(), 'Failed', ['main=3']],
    ]);
  });

  it('needs --table and a cron rule, and says so (exit 2)', async () => {
    const noTable = await ecsSched(['history', 'report', '--config', configFile]);
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toMatch(/history reads the run ledger: pass --table TABLE/);
    const daemon = await cli(['history', 'agent']);
    expect(daemon.code).toBe(2);
    expect(daemon.stderr).toMatch(/agent is a daemon rule/);
  });

  it('names the table when the ledger cannot be read (exit 1)', async () => {
    const { code, stderr } = await ecsSched(['history', 'report', '--config', configFile, '--table', 'no-such-table'], { env: { AWS_ENDPOINT_URL_DYNAMODB: local.endpoint } });
    expect(code).toBe(1);
    expect(stderr).toMatch(/the run ledger \(table no-such-table\) failed for rule report/);
  });
});
