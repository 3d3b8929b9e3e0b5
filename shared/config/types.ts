import type { CronRule } from '../rules/cron/rule.js';
import type { DaemonRule } from '../rules/daemon/rule.js';

/**
 * What a platform engineer writes in scheduler.config.ts. The validated config is exactly what was
 * written: defaults are not filled in, they live with the code that applies them (documented on
 * each field of DaemonRule and CronRule), so there is one source for each.
 */
export interface SchedulerConfig {
  /** Region of the clusters and the schedulers. Default: the deploy environment's (`cdk deploy`'s). */
  region?: string;
  /** Event bus (name or ARN) that receives each run's result. Default `default`, the account's default bus. */
  eventBusName?: string;
  /** The clusters rules run on, keyed by the name rules give in `cluster`. */
  clusters: Record<string, ClusterConfig>;
  /** One task on every eligible instance of a cluster. Names unique among daemon rules. Default: none. */
  daemons?: DaemonRule[];
  /** Tasks run on a schedule. Names unique among cron rules. Default: none. */
  crons?: CronRule[];
}

export interface ClusterConfig {
  /**
   * The cluster's ARN, when its ECS name differs from its key here.
   * Default: the cluster named like the key, in the deploy account and Region.
   */
  arn?: string;
}

/** One problem in a config. */
export interface ConfigError {
  /** Where, as a path into the config: `crons[nightly-report].schedule`, `daemons[0].maxUnavailable`, `clusters.prod.arn`. */
  path: string;
  /** The rule's name, when the problem is inside a rule that a name identifies. */
  rule?: string;
  /** A full sentence naming the rule (or section) and the field, what is wrong and what is allowed. */
  message: string;
}
