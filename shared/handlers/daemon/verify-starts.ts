import { applyPlan, type ApplyResult, type FailedAction, type StartedTask } from '../../ecs/apply.js';
import { newerDuplicates } from '../../rules/daemon/duplicates.js';
import { daemonKey } from '../../rules/daemon/rule.js';
import { daemonScope } from '../../rules/daemon/scope.js';
import { isLive } from '../../state/liveness.js';
import { loadSnapshot } from '../../state/load.js';
import type { Snapshot } from '../../state/snapshot.js';
import type { DaemonContext } from './handle.js';

/**
 * Reads the rule's copies again after a reconcile that started some, or lost a StartTask's
 * answer, and before anything is reported:
 * - a start whose outcome was unknown is settled: a new copy on its instance means it started
 *   (reported as started, never as a placement failure); none means it did not;
 * - a duplicate on one instance, which two reconciles at once leave (each started a copy where
 *   the other had not yet), is stopped at once, the newer one (see newerDuplicates).
 *
 * Why a check after starting rather than a lease on the rule: the daemon has no table of its own,
 * a lease would hold every reconcile of the rule behind a dead holder until it ran out, and the
 * check also catches duplicates no lease prevents (a start ECS ran although its answer was lost,
 * a copy started by hand). Of two racing reconciles, the one whose start came last sees both
 * copies in its re-read, so no duplicate outlives the invocation that made it.
 */
export async function verifyStarts(context: DaemonContext, before: Snapshot, result: ApplyResult): Promise<ApplyResult> {
  const unknown = result.failed.filter((failure) => failure.action === 'start' && failure.outcomeUnknown);
  if (result.started.length === 0 && unknown.length === 0) return result;
  const { rule, ecs } = context;
  const key = daemonKey(rule);
  const fresh = await loadSnapshot(ecs, rule.cluster, daemonScope(rule), {
    taskDefinitions: [rule.taskDefinition],
    now: context.now(),
    ...(context.readPacer && { pacer: context.readPacer }),
  });
  try {
    const known = new Set(before.tasks({ startedBy: key }).map((task) => task.arn));
    const copies = fresh.tasks({ startedBy: key }).filter(isLive);
    const started: StartedTask[] = [...result.started];
    const failed: FailedAction[] = [];
    for (const failure of result.failed) {
      if (!unknown.includes(failure)) {
        failed.push(failure);
        continue;
      }
      const found = copies.find((copy) => copy.containerInstanceArn === failure.target && !known.has(copy.arn));
      if (found) {
        known.add(found.arn);
        started.push({ taskArn: found.arn, containerInstanceArn: failure.target, startedBy: key, reason: `daemon ${rule.name}: started (StartTask's answer was lost; the re-read found the copy)` });
      } else {
        failed.push({ ...failure, outcomeUnknown: false, detail: `${failure.detail ?? failure.reason}; a re-read finds no new copy on the instance: it did not start` });
      }
    }
    const duplicates = newerDuplicates(fresh, rule);
    const cleanup = duplicates.length > 0 ? await applyPlan(ecs, fresh, { starts: [], stops: duplicates }) : undefined;
    return {
      started,
      stopped: [...result.stopped, ...(cleanup?.stopped ?? [])],
      failed: [...failed, ...(cleanup?.failed ?? [])],
      conflicts: result.conflicts,
    };
  } finally {
    fresh.close();
  }
}
