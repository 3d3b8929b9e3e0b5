import { ConfigValidationError, toConfigError } from './errors.js';
import { describeIssue } from './messages.js';
import { schedulerConfigSchema } from './schema.js';
import type { ConfigError, SchedulerConfig } from './types.js';

export type ValidationResult = { ok: true; config: SchedulerConfig } | { ok: false; errors: ConfigError[] };

/** Checks a config and reports every problem at once, in the order they appear in the config. */
export function validateConfig(input: unknown): ValidationResult {
  const result = schedulerConfigSchema.safeParse(input, { error: describeIssue });
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, errors: result.error.issues.map((issue) => toConfigError(issue, input)) };
}

/**
 * The config, validated; what the app calls when it synthesizes.
 *
 * @throws ConfigValidationError listing every problem, one per line.
 */
export function loadConfig(input: unknown): SchedulerConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new ConfigValidationError(result.errors);
  return result.config;
}
