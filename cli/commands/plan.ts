import { CallCounter } from '../../shared/ecs/call-counter.js';
import { AWS_OPTIONS, onlyOptions, type ParsedArgs } from '../args.js';
import { ecsClientFor } from '../aws.js';
import { DEFAULT_CONFIG, findRule, loadConfigFile, rulesOf } from '../config.js';
import { EXIT_CHANGES, EXIT_FAILED, EXIT_OK, type ExitCode } from '../errors.js';
import { listOrphans } from '../orphans.js';
import type { Output } from '../output.js';
import { ruleError, type RuleError } from '../rule-error.js';
import { pendingChanges, planCronRule, planDaemonRule, type RulePlanView } from '../plans.js';
import { ProgressBar } from '../progress.js';
import type { LoadProgress } from '../../shared/state/load.js';
import { renderCronPlan, renderDaemonPlan, renderOrphans } from '../render.js';

type RuleResult = RulePlanView | RuleError;

/**
 * `ecs-sched plan`: what each configured rule would do now, and why. It loads each rule's own
 * snapshot (the scope its Lambda loads) and runs the rule's pure functions; it never calls
 * StartTask or StopTask. Rules are planned one after another, so the reads stay within ECS's
 * shared read bucket. A rule whose cluster cannot be read is reported and the others still are,
 * unless the failure would repeat for every rule (no credentials, no Region), which ends the
 * command at once. Planning the whole config (no RULE named) also lists, per cluster, the
 * copies in the schedulers' namespace that no configured rule owns: a removed or renamed rule's.
 */
export async function plan(args: ParsedArgs, out: Output): Promise<ExitCode> {
  onlyOptions('plan', args.given, ['config', 'verbose', 'detailed-exitcode', ...AWS_OPTIONS]);
  const config = await loadConfigFile(args.flags.config ?? DEFAULT_CONFIG);
  const rules = args.positionals.length > 0 ? args.positionals.map((name) => findRule(config, name)) : rulesOf(config);
  const { ecs, target } = ecsClientFor(args.flags, config.region);
  const calls = new CallCounter().attach(ecs);
  const now = new Date();
  const verbose = args.flags.verbose === true;

  const results: RuleResult[] = [];
  const { stderr } = out.streams;
  for (const entry of rules) {
    // A cluster of thousands of instances takes seconds to read: show it moving, on a terminal.
    const bar = ProgressBar.wanted(stderr, out.json) ? new ProgressBar(stderr, `${entry.rule.name} (cluster ${entry.rule.cluster})`) : undefined;
    const onProgress = bar && ((progress: LoadProgress) => bar.update(progress));
    try {
      results.push(entry.kind === 'daemon' ? await planDaemonRule(ecs, entry.rule, now, onProgress) : await planCronRule(ecs, entry.rule, now, onProgress));
    } catch (error) {
      results.push(ruleError(entry, error, target, out));
    } finally {
      bar?.done();
    }
  }

  const orphans = args.positionals.length === 0 ? await listOrphans(ecs, config, target, now) : [];
  const failed = results.filter((result) => 'error' in result).length;
  const unlisted = orphans.filter((view) => 'error' in view).length;
  const changes = results.reduce((sum, result) => sum + ('error' in result ? 0 : pendingChanges(result)), 0);
  out.result({ at: now.toISOString(), rules: results, orphans, pendingChanges: changes, ecsCalls: calls.byOperation() });
  if (results.length === 0) out.line('the config has no rules');
  for (const [index, result] of results.entries()) {
    if (index > 0) out.line();
    if ('error' in result) {
      out.line(`${result.kind} ${result.rule} · cluster ${result.cluster}`);
      out.line(`  error: ${result.error.message}`);
      if (result.error.hint) out.line(`  hint: ${result.error.hint}`);
    } else {
      for (const line of result.kind === 'daemon' ? renderDaemonPlan(result, verbose) : renderCronPlan(result, verbose)) out.line(line);
    }
  }
  for (const view of orphans) {
    out.line();
    for (const line of renderOrphans(view)) out.line(line);
  }
  out.line();
  const problems = [failed > 0 ? `${failed} rule(s) could not be planned` : '', unlisted > 0 ? `the orphans of ${unlisted} cluster(s) could not be listed` : ''].filter(Boolean);
  out.line(`read-only: ${calls.total()} ECS read calls, nothing started or stopped; ${changes === 0 ? 'no changes pending' : `${changes} change(s) pending`}${problems.map((problem) => `; ${problem}`).join('')}`);
  if (failed + unlisted > 0) return EXIT_FAILED;
  return args.flags['detailed-exitcode'] === true && changes > 0 ? EXIT_CHANGES : EXIT_OK;
}
