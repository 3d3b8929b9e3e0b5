import { ConfigValidationError, toConfigError } from './errors.js';
import { describeIssue } from './messages.js';
import { fixedOffsetZones, pastSchedules } from './schedule-checks.js';
import { schedulerConfigSchema } from './schema.js';
import type { ConfigError, SchedulerConfig } from './types.js';

export type ValidationResult = { ok: true; config: SchedulerConfig } | { ok: false; errors: ConfigError[] };

export interface ValidationOptions {
  /**
   * The time to judge one-off schedules by: an at() at or before it is refused, since it would
   * never run. Without it (a config read in tests, or checked for its shape only) at() may be past.
   */
  now?: Date;
}

/** Checks a config and reports every problem at once: the schema's, in the order they appear in the config, then past at() schedules. */
export function validateConfig(input: unknown, options: ValidationOptions = {}): ValidationResult {
  const result = schedulerConfigSchema.safeParse(input, { error: describeIssue });
  const past = options.now ? pastSchedules(input, options.now) : [];
  const errors = [...(result.success ? [] : result.error.issues), ...past].map((issue) => toConfigError(issue, input));
  if (result.success && errors.length === 0) return { ok: true, config: result.data };
  return { ok: false, errors };
}

/**
 * What is valid but probably not meant, for `ecs-sched validate` to print: a fixed-offset time
 * zone (EST, Etc/GMT+5) where a place's daylight-saving zone is likely wanted.
 */
export function configWarnings(config: SchedulerConfig): ConfigError[] {
  return fixedOffsetZones(config).map((finding) => toConfigError(finding, config));
}

/**
 * The config, validated; what the app calls when it synthesizes.
 *
 * @throws ConfigValidationError listing every problem, one per line.
 */
export function loadConfig(input: unknown, options: ValidationOptions = {}): SchedulerConfig {
  const result = validateConfig(input, options);
  if (!result.ok) throw new ConfigValidationError(result.errors);
  return result.config;
}
