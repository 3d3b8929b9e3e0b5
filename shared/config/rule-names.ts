import { isRecord } from './records.js';

/** The two lists of rules in a config. */
export type RuleList = 'daemons' | 'crons';

export const RULE_KIND: Readonly<Record<RuleList, string>> = { daemons: 'daemon rule', crons: 'cron rule' };

/**
 * The name of `rules[index]` when it identifies the rule: a string no other rule of the list
 * uses. Otherwise errors name the rule by its position.
 */
export function identifyingName(rules: unknown, index: number): string | undefined {
  if (!Array.isArray(rules)) return undefined;
  const name = nameOf(rules[index]);
  if (name === undefined) return undefined;
  return rules.filter((rule) => nameOf(rule) === name).length === 1 ? name : undefined;
}

export function nameOf(rule: unknown): string | undefined {
  return isRecord(rule) && typeof rule.name === 'string' && rule.name !== '' ? rule.name : undefined;
}
