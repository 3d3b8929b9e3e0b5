import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { ApplyResult } from '../ecs/apply.js';
import type { Coverage, DaemonPlan } from '../rules/daemon/reconcile.js';
import type { EventPublisher } from './publisher.js';
import type { ResultEventOf, UnplacedInstance } from './result-events.js';
import { DetailType, MetricName, ruleDimensions } from './vocabulary.js';

export interface DaemonOutcome {
  rule: string;
  clusterArn: string;
  /** Why this reconcile ran (the first trigger that needed it). */
  reason: string;
  coverage: Coverage;
  result: ApplyResult;
  /** Set when the constraint matched no ACTIVE instance and the copies were kept (see DaemonPlan). */
  unmatchedConstraint?: DaemonPlan['unmatchedConstraint'];
  apiCalls: number;
  throttles: number;
}

/**
 * Makes one reconcile visible three ways: a structured log line, DaemonSet-style coverage
 * counters as CloudWatch metrics (embedded metric format), and EventBridge events when the
 * reconcile changed something or could not place a copy, so users can alarm on them.
 */
export async function reportDaemon(outcome: DaemonOutcome, sinks: { logger: Logger; metrics: Metrics; publisher: EventPublisher }): Promise<void> {
  const { coverage, result } = outcome;
  sinks.logger.info('daemon reconciled', {
    rule: outcome.rule,
    cluster: outcome.clusterArn,
    reason: outcome.reason,
    coverage,
    started: result.started.length,
    stopped: result.stopped.length,
    failed: result.failed,
    conflicts: result.conflicts,
    apiCalls: outcome.apiCalls,
    throttles: outcome.throttles,
  });
  if (outcome.unmatchedConstraint) {
    sinks.logger.warn('constraint matches no instance: the copies are kept, none stopped', { rule: outcome.rule, ...outcome.unmatchedConstraint });
  }

  const { metrics } = sinks;
  metrics.addDimensions(ruleDimensions(outcome.rule, 'daemon'));
  metrics.addMetric(MetricName.Desired, MetricUnit.Count, coverage.desired);
  metrics.addMetric(MetricName.Current, MetricUnit.Count, coverage.current);
  metrics.addMetric(MetricName.UpToDate, MetricUnit.Count, coverage.upToDate);
  metrics.addMetric(MetricName.Available, MetricUnit.Count, coverage.available);
  metrics.addMetric(MetricName.Unavailable, MetricUnit.Count, coverage.unavailable);
  metrics.addMetric(MetricName.Misscheduled, MetricUnit.Count, coverage.misscheduled);
  // The placement alarm watches FailedToPlace: copies kept by a constraint that matches nothing count there too.
  const kept = outcome.unmatchedConstraint?.keptCopies ?? 0;
  metrics.addMetric(MetricName.FailedToPlace, MetricUnit.Count, coverage.failedToPlace.length + startFailures(result) + kept);
  metrics.addMetric(MetricName.Started, MetricUnit.Count, result.started.length);
  metrics.addMetric(MetricName.Stopped, MetricUnit.Count, result.stopped.length);
  metrics.addMetric(MetricName.Conflicts, MetricUnit.Count, result.conflicts);
  metrics.addMetric(MetricName.EcsThrottles, MetricUnit.Count, outcome.throttles);
  metrics.publishStoredMetrics();

  await sinks.publisher.publish(daemonEvents(outcome));
}

function startFailures(result: ApplyResult): number {
  return result.failed.filter((f) => f.action === 'start').length;
}

type DaemonEvent =
  | ResultEventOf<typeof DetailType.DaemonReconciled>
  | ResultEventOf<typeof DetailType.DaemonPlacementFailed>
  | ResultEventOf<typeof DetailType.DaemonConstraintMatchesNothing>;

export function daemonEvents(outcome: DaemonOutcome): DaemonEvent[] {
  const { coverage, result } = outcome;
  const events: DaemonEvent[] = [];
  const base = { rule: outcome.rule, cluster: outcome.clusterArn };
  if (result.started.length + result.stopped.length + result.failed.length > 0) {
    events.push({
      detailType: DetailType.DaemonReconciled,
      detail: { ...base, reason: outcome.reason, coverage: { ...coverage, failedToPlace: coverage.failedToPlace.length }, started: result.started, stopped: result.stopped, failed: result.failed, conflicts: result.conflicts },
      resources: [outcome.clusterArn],
    });
  }
  const unplaced: UnplacedInstance[] = [
    ...coverage.failedToPlace.map((f) => ({ containerInstanceArn: f.containerInstanceArn, ec2InstanceId: f.ec2InstanceId, reason: f.reason })),
    ...result.failed.filter((f) => f.action === 'start').map((f) => ({ containerInstanceArn: f.target, reason: f.reason, detail: f.detail })),
  ];
  if (unplaced.length > 0) {
    events.push({
      detailType: DetailType.DaemonPlacementFailed,
      detail: { ...base, instances: unplaced },
      resources: [outcome.clusterArn, ...unplaced.map((u) => u.containerInstanceArn)],
    });
  }
  if (outcome.unmatchedConstraint) {
    events.push({ detailType: DetailType.DaemonConstraintMatchesNothing, detail: { ...base, ...outcome.unmatchedConstraint }, resources: [outcome.clusterArn] });
  }
  return events;
}
