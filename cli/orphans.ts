import type { ECSClient } from '@aws-sdk/client-ecs';
import { clusterTarget } from '../shared/config/cluster-target.js';
import type { SchedulerConfig } from '../shared/config/index.js';
import { orphanedCopies, type OrphanedCopy } from '../shared/rules/orphans.js';
import { loadSnapshot } from '../shared/state/index.js';
import { explain, EXIT_USAGE, type Target } from './errors.js';

/** The orphaned copies of one configured cluster, or why they could not be listed. */
export type OrphansView =
  | { cluster: string; clusterArn: string; copies: OrphanedCopy[] }
  | { cluster: string; error: { code: string; message: string; hint?: string } };

/**
 * `plan`'s orphan listing: for each cluster of the config, its live tasks in the schedulers'
 * namespace that no configured rule there owns (see orphanedCopies). Each cluster costs one
 * snapshot of all its running tasks, since ListTasks cannot filter on a startedBy prefix. A
 * cluster that cannot be read is reported and the others still are, unless the failure would
 * repeat for every cluster (credentials, Region).
 */
export async function listOrphans(ecs: ECSClient, config: SchedulerConfig, target: Target, now: Date): Promise<OrphansView[]> {
  const views: OrphansView[] = [];
  for (const key of Object.keys(config.clusters)) {
    try {
      const snapshot = await loadSnapshot(ecs, clusterTarget(config, key).reference, { kind: 'all' }, { now });
      try {
        views.push({ cluster: key, clusterArn: snapshot.cluster.arn, copies: orphanedCopies(snapshot, config, key) });
      } finally {
        snapshot.close();
      }
    } catch (error) {
      const explained = explain(error, target);
      if (explained.exitCode === EXIT_USAGE) throw explained;
      views.push({ cluster: key, error: { code: explained.code, message: explained.message, ...(explained.hint && { hint: explained.hint }) } });
    }
  }
  return views;
}
