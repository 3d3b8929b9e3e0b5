import type { SchedulerConfig } from './types.js';

/**
 * Declares the config in scheduler.config.ts. It only gives the object its type, for editor
 * completion and type errors while typing; validation happens when the app synthesizes.
 */
export function defineConfig(config: SchedulerConfig): SchedulerConfig {
  return config;
}
