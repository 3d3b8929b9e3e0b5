import { onlyOptions, type ParsedArgs } from '../args.js';
import { DEFAULT_CONFIG, findRule, loadConfigFile } from '../config.js';
import { EXIT_OK, UsageError, explain, type ExitCode } from '../errors.js';
import { historyRow } from '../history.js';
import { ledgerFor } from '../ledger.js';
import type { Output } from '../output.js';
import { formatTable } from '../table.js';

const DEFAULT_LIMIT = 20;

/**
 * `ecs-sched history RULE`: the cron rule's last slots from the run ledger, newest first, with
 * their outcome, attempts, duration and where they ran. The ledger is the only place a slot older
 * than ECS's hour of STOPPED tasks is remembered, so this command needs --table.
 */
export async function history(args: ParsedArgs, out: Output): Promise<ExitCode> {
  onlyOptions('history', args.given, ['config', 'table', 'limit', 'region']);
  if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? 'history needs the name of a cron rule' : 'history takes one rule at a time');
  const limit = Number(args.flags.limit ?? DEFAULT_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, found ${JSON.stringify(args.flags.limit)}`);
  const config = await loadConfigFile(args.flags.config ?? DEFAULT_CONFIG);
  const entry = findRule(config, args.positionals[0]!);
  if (entry.kind !== 'cron') throw new UsageError(`${entry.rule.name} is a daemon rule; history is kept for cron rules`, 'see ecs-sched status for a daemon rule');
  const ledger = ledgerFor(args.flags, config.region);
  if (!ledger) throw new UsageError('history reads the run ledger: pass --table TABLE', "the stack's RunLedgerTable output (AWS_ENDPOINT_URL_DYNAMODB for a local one)");

  const rows = await ledger.history(entry.rule.name, limit).catch((error: unknown) => {
    throw explain(error);
  });
  const views = rows.map(historyRow);
  out.result({ rule: entry.rule.name, table: ledger.tableName, slots: views });
  if (views.length === 0) {
    out.line(`cron ${entry.rule.name}: no slot in the ledger yet`);
    return EXIT_OK;
  }
  out.line(
    formatTable(
      views.map((view) => ({
        SLOT: view.slot,
        TRIGGER: view.trigger,
        OUTCOME: view.state,
        ATTEMPTS: view.attempts,
        DURATION: view.durationSeconds === null ? '-' : `${view.durationSeconds}s`,
        'RAN ON': view.ranOn.join(',') || '-',
        EXIT: view.exitCodes.join(',') || '-',
        REASON: view.reason ?? '',
      })),
    ),
  );
  return EXIT_OK;
}
