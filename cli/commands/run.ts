import { randomUUID } from 'node:crypto';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { systemClock } from '../../shared/handlers/context.js';
import { handleCronMessage } from '../../shared/handlers/cron/handle.js';
import { reconcileRule } from '../../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../../shared/handlers/daemon/memory.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { DetailType } from '../../shared/report/vocabulary.js';
import type { CronSlotOutcome } from '../../shared/report/cron-report.js';
import type { CronRule } from '../../shared/rules/cron/rule.js';
import { daemonKey, type DaemonRule } from '../../shared/rules/daemon/rule.js';
import { AWS_OPTIONS, onlyOptions, type ParsedArgs } from '../args.js';
import { ecsClientFor } from '../aws.js';
import { ledgerFor, scratchLedger } from '../ledger.js';
import type { RunLedger } from '../../shared/ledger/run-ledger.js';
import { queueRunNow } from '../queue.js';
import { DEFAULT_CONFIG, findRule, loadConfigFile, type ConfiguredRule } from '../config.js';
import { confirm, type Terminal } from '../confirm.js';
import { EXIT_FAILED, EXIT_OK, UsageError, explain, type ExitCode } from '../errors.js';
import type { Output } from '../output.js';
import { changes, planCronRule, planDaemonRule, type DaemonPlanView, type RulePlanView } from '../plans.js';
import { renderCronPlan, renderCronRun, renderDaemonPlan, renderDaemonRun, type DaemonRunView } from '../render.js';
import { CapturingLogger, QuietMetrics } from '../telemetry.js';
import { followCopies, followRollout, POLL_MS, type Waiter } from '../wait.js';

/** How long --wait follows a run unless --timeout says otherwise. */
const DEFAULT_WAIT_SECONDS = 600;

/** Why the daemon reconciled, in its log line and result event. */
const MANUAL_REASON = 'manual run (ecs-sched run)';

/**
 * `ecs-sched run RULE`: one pass of a rule, through the same code its Lambda runs.
 *
 * 1. Without --yes, a confirmation is needed, so stdin must be a terminal: otherwise the command
 *    refuses (exit 2) before making a single AWS call.
 * 2. It plans the rule read-only (what `plan` shows for it) and prints that as the preview.
 * 3. It asks "Apply?" on the terminal (unless --yes); anything but y/yes cancels (exit 1).
 * 4. It runs the handler code: a daemon rule gets reconcileRule (one full reconcile, as after an
 *    event); a cron rule gets a `run-now` message through handleCronMessage, so the overlap
 *    policy, once-per-slot key, capacity retries until the starting deadline and reporting are
 *    the Lambda's own. The handler loads a fresh snapshot and decides again: the preview is what
 *    the rule would do at the moment of asking, and if the cluster changed meanwhile, the run
 *    follows the cluster, as the Lambda would.
 * 5. It prints what happened. Exit 1 if ECS refused an action or an eligible instance could take
 *    no copy (daemon), or the slot failed (cron);
 *    a cron slot skipped by its own policy (overlap, suspended, already complete) is exit 0.
 *
 * Result events, metrics and log lines go nowhere (the Lambda's would go to EventBridge and
 * CloudWatch); --debug prints the log lines on stderr.
 */
export async function run(args: ParsedArgs, out: Output, terminal: Terminal): Promise<ExitCode> {
  onlyOptions('run', args.given, ['config', 'yes', 'queue', 'table', 'wait', 'timeout', ...AWS_OPTIONS]);
  if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? 'run needs the name of a rule' : 'run takes one rule at a time');
  const waitSeconds = args.flags.wait ? Number(args.flags.timeout ?? DEFAULT_WAIT_SECONDS) : undefined;
  if (args.flags.timeout !== undefined && !args.flags.wait) throw new UsageError('--timeout goes with --wait');
  if (waitSeconds !== undefined && !(Number.isFinite(waitSeconds) && waitSeconds > 0)) throw new UsageError(`--timeout must be a number of seconds above 0, found "${args.flags.timeout}"`);
  if (args.flags.wait && args.flags.queue !== undefined) throw new UsageError('--wait cannot follow a run sent to a queue', 'the deployed function starts it; follow it with ecs-sched status');
  const config = await loadConfigFile(args.flags.config ?? DEFAULT_CONFIG);
  const entry = findRule(config, args.positionals[0]!);
  if (args.flags.queue !== undefined && entry.kind !== 'cron') {
    throw new UsageError('--queue is for cron rules', 'a daemon run reconciles in this process; its next sweep would do the same');
  }
  const ask = args.flags.yes !== true;
  if (ask && terminal.stdin.isTTY !== true) {
    throw new UsageError(
      `run changes cluster ${entry.rule.cluster} and asks for confirmation first, but stdin is not a terminal; nothing was changed`,
      'pass --yes to run without asking',
    );
  }
  const { ecs, target } = ecsClientFor(args.flags, config.region);
  // A cron run is claimed in a ledger as the Lambda claims it: the stack's with --table, else one in this process only.
  const scratch = entry.kind === 'cron' && args.flags.table === undefined && args.flags.queue === undefined ? await scratchLedger() : undefined;
  const ledger = ledgerFor(args.flags, config.region) ?? scratch?.ledger;
  try {
    return await confirmAndRun(entry, ecs, out, terminal, ask, args.flags.queue, ledger, waitSeconds === undefined ? undefined : waiterFor(out, waitSeconds));
  } catch (error) {
    throw explain(error, target);
  } finally {
    await scratch?.close();
  }
}

async function confirmAndRun(
  entry: ConfiguredRule,
  ecs: ECSClient,
  out: Output,
  terminal: Terminal,
  ask: boolean,
  queue: string | undefined,
  ledger: RunLedger | undefined,
  waiter: Waiter | undefined,
): Promise<ExitCode> {
  const preview = entry.kind === 'daemon' ? await planDaemonRule(ecs, entry.rule, new Date()) : await planCronRule(ecs, entry.rule, new Date());
  if (!out.json || ask) printPreview(out, preview, ask);
  if (ask) {
    const { starts, stops } = changes(preview);
    const question = `Run ${entry.kind} ${entry.rule.name} on cluster ${entry.rule.cluster} now? As of this plan it would start ${starts} and stop ${stops} task(s).`;
    if (!(await confirm(question, terminal))) {
      out.result({ applied: false, preview });
      out.notice('cancelled: nothing was changed');
      return EXIT_FAILED;
    }
  }

  if (queue !== undefined && entry.kind === 'cron') {
    const queued = await queueRunNow(queue, entry.rule, ecs);
    out.result({ applied: false, queued, preview });
    out.line();
    out.line(`queued run-now of cron ${entry.rule.name} for slot ${queued.requestedAt} (message ${queued.messageId}); the deployed function runs it in order with the rule's slots and publishes its outcome ("${DetailType.CronRunStarted}" or "${DetailType.CronSlotSkipped}").`);
    return EXIT_OK;
  }

  const logger = new CapturingLogger(out.debug ? (entry) => out.streams.stderr.write(`${JSON.stringify(entry)}\n`) : undefined);
  if (entry.kind === 'daemon') {
    const names = preview.kind === 'daemon' ? instanceNames(preview) : new Map<string, string>();
    const result = await runDaemon(ecs, entry.rule, logger, names);
    if (!out.json || !waiter) {
      out.line();
      for (const line of renderDaemonRun(result)) out.line(line);
    }
    if (waiter) return waitForRollout(ecs, entry.rule, logger, names, result, out, waiter);
    out.result({ applied: true, preview, result });
    // Instances left without a copy (nothing fits there) are a failure too, not a quiet success.
    return result.failed.length > 0 || (result.coverage?.failedToPlace.length ?? 0) > 0 ? EXIT_FAILED : EXIT_OK;
  }
  const outcome = await runCron(ecs, entry.rule, ledger!, logger, out);
  out.line();
  for (const line of renderCronRun(outcome)) out.line(line);
  if (!waiter || outcome.copies.length === 0) {
    out.result({ applied: true, preview, result: outcome });
    return outcome.status === 'failed' ? EXIT_FAILED : EXIT_OK;
  }
  out.line();
  const followed = await followCopies(ecs, entry.rule.cluster, outcome.copies.map((copy) => copy.taskArn), waiter);
  out.result({ applied: true, preview, result: outcome, waited: followed });
  if (!followed.done) out.line(`timed out: ${followed.copies.filter((copy) => copy.lastStatus !== 'RUNNING' && copy.lastStatus !== 'STOPPED').length} copies still neither RUNNING nor STOPPED`);
  const failedEnd = followed.copies.some((copy) => copy.lastStatus === 'STOPPED' && !(copy.exitCodes.length > 0 && copy.exitCodes.every((code) => code.endsWith('=0'))));
  return outcome.status === 'failed' || !followed.done || failedEnd ? EXIT_FAILED : EXIT_OK;
}

/** `run --wait` for a daemon: reconcile again as copies come up, until the rollout is done. */
async function waitForRollout(
  ecs: ECSClient,
  rule: DaemonRule,
  logger: CapturingLogger,
  names: ReadonlyMap<string, string>,
  first: DaemonRunView,
  out: Output,
  waiter: Waiter,
): Promise<ExitCode> {
  out.line();
  const rollout = await followRollout(
    rule.name,
    () => planDaemonRule(ecs, rule, new Date()),
    () => runDaemon(ecs, rule, logger, names),
    waiter,
  );
  const runs = [first, ...rollout.reconciles];
  const failed = runs.flatMap((run) => run.failed);
  out.result({ applied: true, result: first, reconciles: rollout.reconciles, done: rollout.done, coverage: rollout.last.coverage });
  if (rollout.stuck) out.line(`stopped waiting: ${rollout.stuck}`);
  else if (!rollout.done) out.line('timed out before the rollout was done');
  const unplaced = rollout.last.coverage.failedToPlace;
  if (unplaced.length > 0) out.line(`${unplaced.length} instance(s) could not take a copy: ${[...new Set(unplaced.map((instance) => instance.reason))].join(', ')}`);
  if (failed.length > 0) out.line(`${failed.length} start(s) or stop(s) were refused along the way (see --json)`);
  return rollout.done && unplaced.length === 0 ? EXIT_OK : EXIT_FAILED;
}

function waiterFor(out: Output, seconds: number): Waiter {
  const deadline = Date.now() + seconds * 1000;
  return {
    expired: () => Date.now() >= deadline,
    sleep: () => new Promise((resolve) => setTimeout(resolve, POLL_MS)),
    say: (line) => out.line(line),
  };
}

/** With --json and --yes the preview is only in the JSON; a person asked to confirm always sees it, on stderr. */
function printPreview(out: Output, preview: RulePlanView, ask: boolean): void {
  const lines = ['plan:', ...(preview.kind === 'daemon' ? renderDaemonPlan(preview, false) : renderCronPlan(preview, false)).map((line) => `  ${line}`)];
  if (out.json && ask) out.streams.stderr.write(`${lines.join('\n')}\n`);
  else for (const line of lines) out.line(line);
}

/** One reconcile through reconcileRule, as the daemon Lambda runs it. */
async function runDaemon(ecs: ECSClient, rule: DaemonRule, logger: CapturingLogger, names: ReadonlyMap<string, string>): Promise<DaemonRunView> {
  const { clusterArn, coverage, result, unmatchedConstraint } = await reconcileRule(
    {
      rule,
      ecs,
      memory: new DaemonMemory(daemonKey(rule)),
      publisher: new MemoryPublisher(),
      logger,
      metrics: new QuietMetrics(),
      ...systemClock,
      remainingTimeMs: () => Number.MAX_SAFE_INTEGER,
    },
    MANUAL_REASON,
  );
  return {
    kind: 'daemon',
    rule: rule.name,
    cluster: rule.cluster,
    clusterArn,
    coverage,
    unmatchedConstraint: unmatchedConstraint ?? null,
    started: result.started.map((task) => ({ ...task, ec2InstanceId: task.containerInstanceArn && names.get(task.containerInstanceArn) })),
    stopped: result.stopped,
    failed: result.failed,
    conflicts: result.conflicts,
  };
}

/** EC2 instance ids by container instance ARN, as the preview's snapshot knew them (results carry ARNs only). */
function instanceNames(preview: DaemonPlanView): Map<string, string> {
  const names = new Map<string, string>();
  for (const start of preview.starts) if (start.ec2InstanceId) names.set(start.containerInstanceArn, start.ec2InstanceId);
  for (const failed of preview.coverage.failedToPlace) names.set(failed.containerInstanceArn, failed.ec2InstanceId);
  return names;
}

/** One run-now slot through handleCronMessage, as the cron Lambda handles the message the CLI would queue. */
async function runCron(ecs: ECSClient, rule: CronRule, ledger: RunLedger, logger: CapturingLogger, out: Output): Promise<CronSlotOutcome> {
  const outcome = await handleCronMessage(
    // requestedAt names the slot (to the second), as the cron handler's README asks of every sender.
    { messageId: `ecs-sched-${randomUUID()}`, body: JSON.stringify({ kind: 'run-now', rule: rule.name, requestedAt: new Date().toISOString() }) },
    {
      rules: new Map([[rule.name, rule]]),
      ecs,
      ledger,
      publisher: new MemoryPublisher(),
      logger,
      metrics: new QuietMetrics(),
      now: systemClock.now,
      sleep: async (ms) => {
        out.notice(`waiting ${Math.round(ms / 1000)} s for capacity before trying again (until the starting deadline; Ctrl-C to stop)`);
        await systemClock.sleep(ms);
      },
      // No function timeout here: only the starting deadline ends capacity retries.
      remainingTimeMs: () => Number.MAX_SAFE_INTEGER,
    },
  );
  if (outcome.kind !== 'slot') throw new Error(`the cron handler answered a run-now with a ${outcome.kind} outcome`);
  return outcome.outcome;
}
