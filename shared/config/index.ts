/**
 * The scheduler config: the one file a platform engineer edits (scheduler.config.ts), declared
 * with `defineConfig` and validated with `loadConfig` when the app synthesizes.
 */
export { defineConfig } from './define.js';
export { ConfigValidationError } from './errors.js';
export { schedulerConfigSchema } from './schema.js';
export type { ClusterConfig, ConfigError, SchedulerConfig } from './types.js';
export { configWarnings, loadConfig, validateConfig, type ValidationOptions, type ValidationResult } from './validate.js';
