import { AWS_OPTIONS, onlyOptions, type ParsedArgs } from '../args.js';
import { ecsClientFor } from '../aws.js';
import { DEFAULT_CONFIG, findRule, loadConfigFile, rulesOf } from '../config.js';
import { EXIT_FAILED, EXIT_OK, type ExitCode } from '../errors.js';
import { ledgerFor } from '../ledger.js';
import type { Output } from '../output.js';
import { ruleError, type RuleError } from '../rule-error.js';
import { besideUtc } from '../../shared/schedule/index.js';
import { cronStatus, daemonStatus, type CronStatusView, type DaemonStatusView } from '../status.js';
import { formatTable } from '../table.js';

/**
 * `ecs-sched status`: one line per rule, as `kubectl get cronjobs,daemonsets` gives them. Daemon
 * rules: the coverage counters of a fresh snapshot. Cron rules: schedule, time zone, suspended,
 * the last slot and its outcome from the run ledger (--table), the runs live now and the next
 * slot. Read-only. A rule that cannot be read is reported and the others still are.
 */
export async function status(args: ParsedArgs, out: Output): Promise<ExitCode> {
  onlyOptions('status', args.given, ['config', 'table', ...AWS_OPTIONS]);
  const config = await loadConfigFile(args.flags.config ?? DEFAULT_CONFIG);
  const rules = args.positionals.length > 0 ? args.positionals.map((name) => findRule(config, name)) : rulesOf(config);
  const { ecs, target } = ecsClientFor(args.flags, config.region);
  const ledger = ledgerFor(args.flags, config.region);
  const now = new Date();

  const crons: CronStatusView[] = [];
  const daemons: DaemonStatusView[] = [];
  const errors: RuleError[] = [];
  for (const entry of rules) {
    try {
      if (entry.kind === 'daemon') daemons.push(await daemonStatus(ecs, entry.rule, now));
      else crons.push(await cronStatus(ecs, entry.rule, ledger, now));
    } catch (error) {
      errors.push(ruleError(entry, error, target, out));
    }
  }

  out.result({ at: now.toISOString(), crons, daemons, errors, ledger: ledger?.tableName ?? null });
  const sections = [
    crons.length > 0 &&
      formatTable(
        crons.map((view) => ({
          'CRON RULE': view.rule,
          SCHEDULE: view.schedule,
          'TIME ZONE': view.timeZone,
          SUSPEND: String(view.suspended),
          'LAST SLOT': view.lastSlot ? besideUtc(view.lastSlot, view.timeZone) : '-',
          OUTCOME: view.lastState ?? '-',
          ACTIVE: view.activeRuns,
          'NEXT SLOT': view.nextSlot ? besideUtc(view.nextSlot, view.timeZone) : '-',
        })),
        { count: false },
      ),
    daemons.length > 0 &&
      formatTable(
        daemons.map((view) => ({
          'DAEMON RULE': view.rule,
          DESIRED: view.desired,
          CURRENT: view.current,
          'UP-TO-DATE': view.upToDate,
          AVAILABLE: view.available,
          MISSCHEDULED: view.misscheduled,
          'FAILED-TO-PLACE': view.failedToPlace,
        })),
        { count: false },
      ),
  ].filter((text) => text !== false);
  out.line(sections.join('\n\n') || 'the config has no rules');
  for (const failed of crons.filter((view) => view.lastReason !== null && view.lastState !== 'Succeeded')) {
    out.line(`${failed.rule}: ${failed.lastState} ${failed.lastSlot}: ${failed.lastReason}`);
  }
  for (const { kind, rule, error } of errors) {
    out.line(`${kind} ${rule}: error: ${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`);
  }
  if (!ledger && crons.length > 0) out.notice('no --table: LAST SLOT is the schedule\'s, without its outcome; pass the stack\'s RunLedgerTable output for outcomes');
  return errors.length > 0 ? EXIT_FAILED : EXIT_OK;
}
