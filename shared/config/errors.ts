import type { z } from 'zod';
import { isRecord } from './records.js';
import { identifyingName, RULE_KIND } from './rule-names.js';
import type { ConfigError } from './types.js';

/** A config that failed validation; the message lists every error, one per line. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
  constructor(readonly errors: readonly ConfigError[]) {
    const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
    super(`Invalid scheduler config (${count}):\n${errors.map((error) => error.message).join('\n')}`);
  }
}

/**
 * Puts a zod issue (or a finding of the same shape) in the user's terms: a rule is named by its
 * name when it has one of its own (`cron rule "nightly-report": schedule: ...`), else by its
 * position (`daemons[2]: ...`).
 */
export function toConfigError(issue: Pick<z.core.$ZodIssue, 'path' | 'message'>, config: unknown): ConfigError {
  const [section, key, ...field] = issue.path;
  if ((section === 'daemons' || section === 'crons') && typeof key === 'number') {
    const rule = identifyingName(isRecord(config) ? config[section] : undefined, key);
    const at = `${section}[${rule ?? key}]`;
    const who = rule === undefined ? at : `${RULE_KIND[section]} ${JSON.stringify(rule)}`;
    return { path: at + pathTail(field), ...(rule !== undefined && { rule }), message: sentence(who, field, issue.message) };
  }
  if (section === 'clusters' && typeof key === 'string') {
    return { path: `clusters.${key}${pathTail(field)}`, message: sentence(`cluster ${JSON.stringify(key)}`, field, issue.message) };
  }
  const path = pathTail(issue.path).replace(/^\./, '');
  return { path, message: `${path || 'config'}: ${issue.message}` };
}

function sentence(who: string, field: readonly PropertyKey[], message: string): string {
  return field.length === 0 ? `${who}: ${message}` : `${who}: ${pathTail(field).replace(/^\./, '')}: ${message}`;
}

/** `.placement.strategy[1].field`: keys after dots, list positions in brackets. */
function pathTail(segments: readonly PropertyKey[]): string {
  return segments.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`)).join('');
}
