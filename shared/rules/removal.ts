import type { DaemonRule } from './daemon/rule.js';
import { unavailableBudget } from './daemon/rule.js';

/**
 * What happens to a rule's copies when the rule leaves the stack (removed, renamed, or the whole
 * stack deleted). The stack gives each rule a custom resource whose properties are these terms;
 * CloudFormation deletes it when the rule goes, with the terms of the last deploy, and the
 * removal handler acts on them. Its CDK RemovalPolicy decides whether that happens at all:
 * RETAIN keeps the copies (they then show as orphaned in `ecs-sched plan`).
 */
export type RemovalTerms =
  | { kind: 'daemon'; rule: string; cluster: string; maxUnavailable?: DaemonRule['maxUnavailable'] }
  /** A cron rule's runs are jobs: left to finish, unless the rule asked for them to be stopped. */
  | { kind: 'cron'; rule: string; cluster: string; family: string; stopRuns: boolean };

/**
 * How many of `live` copies to stop now. A daemon's copies go at the pace of its maxUnavailable
 * (a percentage of the copies left), one batch per check of the removal, so a rule removed by
 * mistake never takes the daemon off every instance at once. A cron rule's runs all stop at once
 * when asked (a run is a job, not a fleet), and none otherwise.
 */
export function removalBatch(terms: RemovalTerms, live: number): number {
  if (live === 0) return 0;
  if (terms.kind === 'cron') return terms.stopRuns ? live : 0;
  return Math.min(live, unavailableBudget(terms.maxUnavailable, live));
}

/** Whether the removal is over: no copy left to stop (a daemon), or nothing asked (cron runs left to finish). */
export function removalDone(terms: RemovalTerms, liveAfter: number): boolean {
  return terms.kind === 'cron' ? !terms.stopRuns || liveAfter === 0 : liveAfter === 0;
}
