import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Every option any command takes; each command says which of them it accepts. */
const OPTIONS = {
  config: { type: 'string' },
  cluster: { type: 'string' },
  out: { type: 'string', short: 'o' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  live: { type: 'boolean' },
  queue: { type: 'string' },
  table: { type: 'string' },
  limit: { type: 'string' },
  instances: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'detailed-exitcode': { type: 'boolean' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies OptionSpec;

export type OptionName = keyof typeof OPTIONS;

export interface Flags {
  config?: string;
  cluster?: string;
  out?: string;
  endpoint?: string;
  region?: string;
  yes?: boolean;
  live?: boolean;
  queue?: string;
  table?: string;
  limit?: string;
  instances?: string;
  verbose?: boolean;
  'detailed-exitcode'?: boolean;
  wait?: boolean;
  timeout?: string;
  json?: boolean;
  debug?: boolean;
  help?: boolean;
  version?: boolean;
}

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  flags: Flags;
  /** The options given on the command line, by name. */
  given: Set<OptionName>;
}

/**
 * Parses the whole command line with node:util parseArgs (strict: an unknown option is an error,
 * not ignored), so options may come before or after the command. The command is the first
 * positional; a `--` ends options (an SQL text starting with `-`).
 */
export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''), 'see ecs-sched --help');
  }
  const given = new Set(parsed.tokens.flatMap((token) => (token.kind === 'option' ? [token.name as OptionName] : [])));
  const [command, ...positionals] = parsed.positionals;
  return { command, positionals, flags: parsed.values as Flags, given };
}

/** Refuses options the command does not take, naming them. */
export function onlyOptions(command: string, given: ReadonlySet<OptionName>, allowed: readonly OptionName[]): void {
  const extra = [...given].filter((name) => !allowed.includes(name) && name !== 'help' && name !== 'debug' && name !== 'json');
  if (extra.length > 0) {
    throw new UsageError(`${command} does not take ${extra.map((name) => `--${name}`).join(', ')}`, `see ecs-sched ${command} --help`);
  }
}

export const AWS_OPTIONS = ['endpoint', 'region'] as const satisfies readonly OptionName[];

const COMMON_HELP = `
Options for every command:
  --json              one JSON document on stdout, for scripts (errors: one JSON line on stderr)
  --debug             stack traces and the handlers' log lines on stderr
  -h, --help          this help`;

const AWS_HELP = `
AWS options:
  --endpoint URL      ECS endpoint; a loopback URL (the emulator) needs no credentials
  --region REGION     AWS Region (default: the config's region, then AWS_REGION or the profile)`;

export const HELP: Record<string, string> = {
  main: `ecs-sched: shared-state schedulers for Amazon ECS, from the command line

Usage: ecs-sched <command> [options]

Commands:
  validate [--live]            check the config and print every error at once
  plan [RULE...]               what each rule would do now, with reasons (read-only)
  snapshot --cluster C --out F write a cluster snapshot as a SQLite file
  query --cluster C "SQL"      run SQL over a fresh snapshot and print a table
  run RULE                     apply one reconcile (daemon) or one run-now slot (cron)
  status [RULE...]             one line per rule: coverage, or last slot, outcome and next slot
  history RULE                 a cron rule's last slots from the run ledger
  emulator                     serve an ECS emulator on 127.0.0.1 seeded for the config

Exit codes: 0 done, 1 the operation failed, 2 usage, config, credentials or Region problem,
3 changes pending (plan --detailed-exitcode only).
Run ecs-sched <command> --help for a command's options.
${COMMON_HELP}
  --version           the version`,

  validate: `Usage: ecs-sched validate [--live] [--config FILE] [AWS options]

Checks the config as \`cdk deploy\` would and prints every error at once (an at() schedule
already past included), then warnings (a fixed-offset time zone). Exit 2 if any error.

  --live              also read each rule's task definition (DescribeTaskDefinition, with the
                      credentials plan uses) and name every role its starts would pass that the
                      rule's passRoles lacks, with the line to write
  --config FILE       default ./scheduler.config.ts (a module whose default export is the config), or a .json file
${AWS_HELP}
${COMMON_HELP}`,

  plan: `Usage: ecs-sched plan [RULE...] [--verbose] [--detailed-exitcode] [--config FILE] [AWS options]

For each rule (or only the ones named), reads the cluster and prints what the rule would do now:
daemon rules: the starts and stops of one reconcile, the coverage counters, and the instances
that cannot take a copy and why; cron rules: the last and next slot, what the current slot and a
run-now would start or stop (or why not), and the runs past maxRunSeconds. Each list is a count
per reason; --verbose adds a line per instance (--json always has them). Read-only: it makes
List/Describe calls only, with a progress line on stderr while a cluster loads (terminal only).
Exit 1 if a rule's cluster could not be read.

  -v, --verbose       a line per instance and task, not only the count per reason
  --detailed-exitcode exit 3 when the plan would change the cluster (a daemon's starts or stops,
                      the current cron slot's, runs past maxRunSeconds), 0 when not
  --config FILE       default ./scheduler.config.ts
${AWS_HELP}
${COMMON_HELP}`,

  snapshot: `Usage: ecs-sched snapshot --cluster CLUSTER --out FILE [AWS options]

Loads the cluster (every container instance, every RUNNING-desired task, their task definitions)
and writes the snapshot as a SQLite database file: open it with sqlite3 or any SQLite tool.
A progress bar is drawn on stderr when it is a terminal.

  --cluster CLUSTER   cluster name or ARN
  -o, --out FILE      the file to write (replaced if it exists)
${AWS_HELP}
${COMMON_HELP}`,

  query: `Usage: ecs-sched query --cluster CLUSTER "SQL" [AWS options]

Loads a fresh snapshot of the cluster (as snapshot does) and runs one SQL statement over it.
Tables: clusters, container_instances, tasks, task_definitions; views: instance_attributes,
instance_ports. An SQL error exits 2.

  --cluster CLUSTER   cluster name or ARN
${AWS_HELP}
${COMMON_HELP}`,

  run: `Usage: ecs-sched run RULE [--yes] [--wait [--timeout S]] [--queue URL] [--table TABLE] [--config FILE] [AWS options]

Shows what the rule would do, asks for confirmation, then runs it through the same code as its
Lambda: a daemon rule gets one reconcile; a cron rule gets one run-now slot, which honors its
overlap policy and retries for capacity until its starting deadline. Name a rule daemon/NAME or
cron/NAME when a daemon and a cron rule share a name.

  -y, --yes           do not ask (required when stdin is not a terminal)
  --wait              follow what it started: a cron run's copies until RUNNING or STOPPED (with
                      the reason); a daemon's rollout, reconciling again at its maxUnavailable
                      pace until every instance runs an up-to-date copy (exit 1 if not by --timeout)
  --timeout S         with --wait, give up after S seconds (default 600)
  --queue URL         cron rules: send the run-now to the rule's deployed FIFO queue (the stack's
                      CronQueue<name without - and _> output), so it runs in order with
                      the rule's slots
  --table TABLE       cron rules: claim and record the run in the stack's run ledger (its
                      RunLedgerTable output; AWS_ENDPOINT_URL_DYNAMODB for a local one);
                      without it the claim lives in this process only
  --config FILE       default ./scheduler.config.ts
${AWS_HELP}
${COMMON_HELP}`,

  status: `Usage: ecs-sched status [RULE...] [--table TABLE] [--config FILE] [AWS options]

One line per rule (or only the ones named), from a fresh read of the cluster. Cron rules:
schedule, time zone, suspended, the last slot and its outcome (from the run ledger), the runs live
now, the next slot. Daemon rules: desired, current, up-to-date, available, misscheduled and
failed-to-place instances. Read-only. Exit 1 if a rule could not be read.

  --table TABLE       the stack's run ledger (its RunLedgerTable output; AWS_ENDPOINT_URL_DYNAMODB
                      for a local one); without it a cron rule's last slot has no outcome
  --config FILE       default ./scheduler.config.ts
${AWS_HELP}
${COMMON_HELP}`,

  history: `Usage: ecs-sched history RULE --table TABLE [--limit N] [--config FILE] [--region REGION]

A cron rule's last slots from the run ledger, newest first: the outcome (Succeeded, Failed,
Stopped, Skipped, or Claimed, Running, Retrying while open), attempts, duration, the instances
of the last attempt, non-zero exit codes of essential containers, and the reason.

  --table TABLE       the stack's run ledger (its RunLedgerTable output; AWS_ENDPOINT_URL_DYNAMODB
                      for a local one)
  --limit N           how many slots (1-1000, default 20)
  --config FILE       default ./scheduler.config.ts
  --region REGION     AWS Region (default: the config's region, then AWS_REGION or the profile)
${COMMON_HELP}`,

  emulator: `Usage: ecs-sched emulator [--config FILE] [--cluster C] [--instances N]

Serves an ECS emulator on 127.0.0.1, seeded for the config as npm start seeds it: the task
definitions its rules name (sizes from the config file's \`local\` export, else 256 CPU units and
512 MiB, printed), and N instances per cluster whose attributes let its constraints match (a
constraint that still matches none is named). Prints the endpoint first, then the line to point
other commands at it (export AWS_ENDPOINT_URL_ECS=...), and serves until Ctrl-C or SIGTERM.

  --config FILE       default ./scheduler.config.ts
  --cluster C         seed only this cluster (default: every cluster of the config)
  --instances N       instances per cluster (0-10000, default 20)
${COMMON_HELP}
  With --json, one JSON line: {"endpoint", "region", "clusters", "instances", "notes"}.`,
};
