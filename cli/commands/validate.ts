import { configWarnings, validateConfig } from '../../shared/config/index.js';
import { AWS_OPTIONS, onlyOptions, type ParsedArgs } from '../args.js';
import { ecsClientFor } from '../aws.js';
import { DEFAULT_CONFIG, readConfigFile } from '../config.js';
import { EXIT_OK, EXIT_USAGE, explain, UsageError, type ExitCode } from '../errors.js';
import { liveProblems } from '../live-checks.js';
import type { Output } from '../output.js';

/**
 * `ecs-sched validate`: the config's every error at once, as the app reports them at synth (an
 * at() already past included), then warnings about what is valid but probably not meant. With
 * --live, once the config is valid, also what only the account can tell (see liveProblems).
 */
export async function validate(args: ParsedArgs, out: Output): Promise<ExitCode> {
  onlyOptions('validate', args.given, args.flags.live ? ['config', 'live', ...AWS_OPTIONS] : ['config', 'live']);
  if (args.positionals.length > 0) throw new UsageError(`validate takes no arguments, found ${JSON.stringify(args.positionals[0])}`, 'name the file with --config FILE');
  const { file, input } = await readConfigFile(args.flags.config ?? DEFAULT_CONFIG);
  const result = validateConfig(input, { now: new Date() });
  if (!result.ok) {
    out.result({ ok: false, file, errors: result.errors });
    printErrors(out, file, result.errors);
    return EXIT_USAGE;
  }
  const { config } = result;
  if (args.flags.live) {
    const { ecs, target } = ecsClientFor(args.flags, config.region);
    const problems = await liveProblems(ecs, config, input).catch((error: unknown) => {
      throw explain(error, target);
    });
    if (problems.length > 0) {
      out.result({ ok: false, file, errors: problems });
      printErrors(out, file, problems);
      return EXIT_USAGE;
    }
  }
  const daemons = (config.daemons ?? []).map((rule) => rule.name);
  const crons = (config.crons ?? []).map((rule) => rule.name);
  const warnings = configWarnings(config);
  out.result({ ok: true, file, live: args.flags.live === true, clusters: Object.keys(config.clusters), daemons, crons, warnings });
  out.line(`${file}: valid${args.flags.live ? ' (task definitions read from ECS)' : ''}: ${count(Object.keys(config.clusters).length, 'cluster')}, ${count(daemons.length, 'daemon rule')}, ${count(crons.length, 'cron rule')}`);
  for (const warning of warnings) out.line(`  warning: ${warning.message}`);
  return EXIT_OK;
}

/** Every config error, one per line, on stdout: it is the command's result (plan and run print the same to stderr). */
export function printErrors(out: Output, file: string, errors: readonly { message: string }[], stream: 'stdout' | 'stderr' = 'stdout'): void {
  const lines = [`${file}: ${count(errors.length, 'error')}`, ...errors.map((error) => `  ${error.message}`)];
  if (stream === 'stdout') for (const line of lines) out.line(line);
  else if (!out.json) out.streams.stderr.write(`${lines.join('\n')}\n`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
