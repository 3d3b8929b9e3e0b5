import type { SchedulerConfig } from '../config/types.js';
import type { ClusterView } from '../state/view.js';
import type { TaskStatus } from '../state/types.js';
import { cronRulePrefix } from './cron/rule.js';
import { daemonKey } from './daemon/rule.js';

/** The startedBy prefixes of everything the schedulers start: `daemon/<name>` and `cron/<name>/<slot>`. */
const NAMESPACES = [
  { kind: 'daemon', prefix: 'daemon/' },
  { kind: 'cron', prefix: 'cron/' },
] as const;

/** A live task started by a scheduler rule that the config no longer has on this cluster. */
export interface OrphanedCopy {
  taskArn: string;
  startedBy: string;
  kind: 'daemon' | 'cron';
  /** The rule name its startedBy carries. */
  rule: string;
  containerInstanceArn: string | undefined;
  ec2InstanceId: string | undefined;
  lastStatus: TaskStatus;
}

/**
 * The live tasks of a cluster whose startedBy is in the schedulers' namespace but belongs to no
 * rule the config runs there: a rule removed or renamed (its copies keep running, and nothing
 * else would ever stop or report them), or moved to another cluster. `clusterKey` is the
 * config's name for the snapshot's cluster (the key rules give in `cluster`). The snapshot must
 * hold every task of the cluster (scope `all`): ListTasks cannot filter on a startedBy prefix.
 * Another stack's rules on the same cluster share the namespace, so they show here too.
 */
export function orphanedCopies(snapshot: ClusterView, config: Pick<SchedulerConfig, 'daemons' | 'crons'>, clusterKey: string): OrphanedCopy[] {
  const here = <T extends { cluster: string }>(rules: readonly T[] | undefined) => (rules ?? []).filter((rule) => rule.cluster === clusterKey);
  const daemonKeys = new Set(here(config.daemons).map(daemonKey));
  const cronPrefixes = here(config.crons).map(cronRulePrefix);
  const configured = (startedBy: string) => daemonKeys.has(startedBy) || cronPrefixes.some((prefix) => startedBy.startsWith(prefix));

  return NAMESPACES.flatMap(({ kind, prefix }) =>
    snapshot
      .tasks({ startedByPrefix: prefix, live: true })
      .filter((task) => !configured(task.startedBy!))
      .map((task) => ({
        taskArn: task.arn,
        startedBy: task.startedBy!,
        kind,
        rule: task.startedBy!.slice(prefix.length).split('/')[0]!,
        containerInstanceArn: task.containerInstanceArn,
        ec2InstanceId: task.containerInstanceArn === undefined ? undefined : snapshot.instance(task.containerInstanceArn)?.ec2InstanceId,
        lastStatus: task.lastStatus,
      })),
  );
}
