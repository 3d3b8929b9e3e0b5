import type { z } from 'zod';
import type { clusterSchema } from './clusters.js';
import type { schedulerConfigSchema } from './schema.js';

/**
 * What a platform engineer writes in scheduler.config.ts: the schema's own type (its fields are
 * documented there). The validated config is exactly what was written: defaults are not filled
 * in, they live with the code that applies them (documented on each field of the rule schemas),
 * so there is one source for each.
 */
export type SchedulerConfig = z.output<typeof schedulerConfigSchema>;

export type ClusterConfig = z.output<typeof clusterSchema>;

/** One problem in a config. */
export interface ConfigError {
  /** Where, as a path into the config: `crons[nightly-report].schedule`, `daemons[0].maxUnavailable`, `clusters.prod.arn`. */
  path: string;
  /** The rule's name, when the problem is inside a rule that a name identifies. */
  rule?: string;
  /** A full sentence naming the rule (or section) and the field, what is wrong and what is allowed. */
  message: string;
}
