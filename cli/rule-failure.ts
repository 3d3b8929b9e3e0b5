import type { ConfiguredRule } from './config.js';
import { EXIT_USAGE, explain, type Target } from './errors.js';
import type { Output } from './output.js';

/** A rule a per-rule command could not read or plan, as it reports it beside the rules it could. */
export interface RuleFailure {
  kind: ConfiguredRule['kind'];
  rule: string;
  cluster: string;
  error: { code: string; message: string; hint?: string };
}

/**
 * The failure of one rule of a command that goes through every rule (plan, status): explained,
 * so the others still run, unless it would repeat for every rule (no credentials, no Region),
 * which is thrown and ends the command at once.
 */
export function ruleFailure(entry: ConfiguredRule, error: unknown, target: Target, out: Output): RuleFailure {
  const explained = explain(error, target);
  if (explained.exitCode === EXIT_USAGE) throw explained;
  out.trace(explained.cause instanceof Error ? (explained.cause.stack ?? '') : '');
  return {
    kind: entry.kind,
    rule: entry.rule.name,
    cluster: entry.rule.cluster,
    error: { code: explained.code, message: explained.message, ...(explained.hint && { hint: explained.hint }) },
  };
}
