/**
 * `npm start`: a config (scheduler.config.ts unless --config) on an emulated cluster, no AWS
 * account needed. See README.md.
 *
 *   npm start -- --hours 24 --instances 100 --quiet --config other.config.ts
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, readConfigFile } from '../cli/config.js';
import { validateConfig } from '../shared/config/index.js';
import { isResultEvent } from '../shared/report/result-events.js';
import { DetailType } from '../shared/report/vocabulary.js';
import { daemonKey } from '../shared/rules/daemon/rule.js';
import { TaskStatus } from '../shared/state/types.js';
import { parseLocalHints } from './config-cluster.js';
import { duplicateCopies, slotProblems, uncovered } from './invariants.js';
import { Simulation } from './simulation.js';
import { clock, describeEvent, describeLog } from './view.js';

const USAGE = 'Usage: npm start -- [--hours 1-336] [--instances 1-2000] [--config FILE] [--quiet]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      hours: { type: 'string', default: '6' },
      instances: { type: 'string', default: '20' },
      config: { type: 'string', default: DEFAULT_CONFIG },
      quiet: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const hours = Number(values.hours);
const instances = Number(values.instances);
if (!(hours > 0 && hours <= 24 * 14) || !(Number.isInteger(instances) && instances >= 1 && instances <= 2000)) {
  console.error(USAGE);
  process.exit(2);
}

const { input, local } = await readConfigFile(values.config).catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(2);
});
const validated = validateConfig(input);
if (!validated.ok) {
  console.error(`${values.config}: ${validated.errors.length} error(s)\n${validated.errors.map((error) => `  ${error.message}`).join('\n')}`);
  process.exit(2);
}
const rules = validated.config;
const hints = (() => {
  try {
    return parseLocalHints(local);
  } catch (error) {
    console.error(`${values.config}: ${(error as Error).message}`);
    process.exit(2);
  }
})();
// Midnight in New York, so the example's 02:00 America/New_York report falls inside the default 6 hours.
const startAt = new Date('2026-11-25T05:00:00Z');
const zones = new Map((rules.crons ?? []).map((cron) => [cron.name, cron.timeZone] as const));
const say = (at: Date, text: string) => values.quiet || console.log(`[${clock(at)}] ${text}`);
const violations: string[] = [];

const simulation = await Simulation.start({
  config: rules,
  hints,
  instances,
  startAt,
  onEvent: (event, now) => say(now, describeEvent(event, (rule) => (rule === undefined ? undefined : zones.get(rule)))),
  onHappening: (happening, now) => say(now, `-- ${happening.says}`),
  // Warnings and errors print even with --quiet: they are why a decision is missing.
  onLog: (entry, now) => console.log(`[${clock(now)}] ${describeLog(entry)}`),
});
const clusters = Object.keys(rules.clusters);
console.log(
  `Emulated ${clusters.length === 1 ? `cluster "${clusters[0]}"` : `clusters ${clusters.map((name) => `"${name}"`).join(', ')}`}: ${instances} instances${clusters.length > 1 ? ' each' : ''} in 3 zones; running ${hours} h of ${values.config} (${(rules.daemons ?? []).length} daemon, ${(rules.crons ?? []).length} cron rules) from ${startAt.toISOString()}.`,
);
for (const note of simulation.notes) console.log(`  ${note}`);
const started = performance.now();
try {
  for (let minute = 0; minute < hours * 60; minute += 1) {
    await simulation.step();
    for (const daemon of rules.daemons ?? []) {
      for (const instance of duplicateCopies(simulation.ecs, daemon.cluster, daemon)) {
        violations.push(`[${clock(simulation.now())}] daemon ${daemon.name}: two live copies on ${instance}`);
      }
    }
  }
  summarize();
} finally {
  await simulation.stop();
}
process.exit(violations.length > 0 ? 1 : 0);

function summarize(): void {
  const events = simulation.publisher.events;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\nSummary: ${hours} simulated hours in ${seconds} s`);
  for (const daemon of rules.daemons ?? []) {
    const missing = uncovered(simulation.ecs, daemon.cluster, daemon);
    violations.push(...missing.map((arn) => `daemon ${daemon.name}: eligible instance ${arn} does not have exactly one running copy`));
    const copies = simulation.ecs.admin.listTasks(daemon.cluster, { startedBy: daemonKey(daemon) });
    const running = copies.filter((t) => t.desiredStatus === TaskStatus.Running).length;
    const reconciles = events.filter(isResultEvent(DetailType.DaemonReconciled)).filter((e) => e.detail.rule === daemon.name).length;
    console.log(`  daemon ${daemon.name}: ${running} copies running, ${missing.length} eligible instances uncovered, ${copies.length} started in all, ${reconciles} reconciles that changed something`);
  }
  for (const cron of rules.crons ?? []) {
    const slots = simulation.slotsFired.get(cron.name) ?? [];
    violations.push(...slotProblems(simulation.ecs, cron.cluster, cron, slots, events));
    const mine = events.filter((e) => e.detail.rule === cron.name);
    const count = (type: DetailType) => mine.filter(isResultEvent(type)).length;
    const skips = new Map<string, number>();
    for (const { detail } of mine.filter(isResultEvent(DetailType.CronSlotSkipped))) {
      skips.set(detail.reason, (skips.get(detail.reason) ?? 0) + 1);
    }
    const skipped = [...skips].map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
    const failedRuns = mine.filter(isResultEvent(DetailType.CronRunFailed));
    const retried = failedRuns.filter((e) => e.detail.retryAt !== undefined).length;
    console.log(
      `  cron ${cron.name} (${cron.overlapPolicy ?? 'Forbid'}): ${slots.length} slots, ${count(DetailType.CronRunStarted)} runs started, ` +
        `${count(DetailType.CronRunSucceeded)} succeeded, ${failedRuns.length - retried} failed (${retried} more retried), ` +
        `skipped: ${skipped}, ${count(DetailType.CronSlotFailed)} could not start, ${count(DetailType.CronRunStopped)} stopped for run time`,
    );
  }
  if (violations.length === 0) console.log('All invariants held: one copy per eligible instance, no duplicate copy, every slot run once or skipped for its policy.');
  else {
    console.log(`\n${violations.length} invariant(s) broke:`);
    for (const violation of violations) console.log(`  ${violation}`);
  }
}
