import type { ConfiguredRule } from './config.js';
import { EXIT_USAGE, explain, type Target } from './errors.js';
import type { Output } from './output.js';

/** A rule that could not be read, reported beside the others. */
export interface RuleError {
  kind: ConfiguredRule['kind'];
  rule: string;
  cluster: string;
  error: { code: string; message: string; hint?: string };
}

/**
 * What `plan` and `status` report for a rule whose cluster could not be read, so that the other
 * rules still are; a failure that would repeat for every rule (no credentials, no Region) is
 * thrown instead, ending the command at once.
 */
export function ruleError(entry: ConfiguredRule, error: unknown, target: Target, out: Output): RuleError {
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
