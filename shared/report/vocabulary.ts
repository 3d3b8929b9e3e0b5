/**
 * The names under which results leave the schedulers: EventBridge detail types, CloudWatch metric
 * names, their namespace and dimensions. Users alarm and route on them, and the stack's alarms and
 * dashboard read them, so each is written here once. Plain constants only: the Lambdas, the stack,
 * the CLI and local mode all import this file.
 */

/** The `source` of every event the schedulers publish; alarm and route on it. */
export const EVENT_SOURCE = 'ecs-schedulers';

/** The `detail-type` of each result event. */
export const DetailType = {
  DaemonReconciled: 'Daemon Reconciled',
  DaemonPlacementFailed: 'Daemon Placement Failed',
  /** The constraint matches no ACTIVE instance while copies run: the reconcile kept them all. */
  DaemonConstraintMatchesNothing: 'Daemon Constraint Matches Nothing',
  CronRunStarted: 'Cron Run Started',
  CronSlotSkipped: 'Cron Slot Skipped',
  /** A slot could not get its copies started (capacity, ECS refused, deadline). */
  CronSlotFailed: 'Cron Slot Failed',
  /** A run ended with every essential container exiting 0. */
  CronRunSucceeded: 'Cron Run Succeeded',
  /** A run ended otherwise; `retryAt` says when the next attempt follows, if one does. */
  CronRunFailed: 'Cron Run Failed',
  CronRunStopped: 'Cron Run Stopped',
  CronMessageRejected: 'Cron Message Rejected',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

/** Where the handlers' embedded metrics land (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'EcsSchedulers';
/** The handlers' POWERTOOLS_SERVICE_NAME, which Powertools adds to every metric as the `service` dimension. */
export const SERVICE_NAME = 'ecs-schedulers';

/** The metrics the handlers publish, per rule (see ruleDimensions). */
export const MetricName = {
  // Daemon coverage, as Kubernetes counts a DaemonSet's.
  Desired: 'Desired',
  Current: 'Current',
  UpToDate: 'UpToDate',
  Available: 'Available',
  Unavailable: 'Unavailable',
  Misscheduled: 'Misscheduled',
  FailedToPlace: 'FailedToPlace',
  // Daemon actions.
  Started: 'Started',
  Stopped: 'Stopped',
  /** Batches whose reconcile still failed on ECS errors at their last receive, left to the next sweep. */
  ReconcilesFailed: 'ReconcilesFailed',
  // Cron slots and runs.
  RunsStarted: 'RunsStarted',
  CopiesStarted: 'CopiesStarted',
  SlotsSkipped: 'SlotsSkipped',
  SlotsFailed: 'SlotsFailed',
  /** A slot's own copies above its count (two invocations raced), stopped. */
  ExtraCopiesStopped: 'ExtraCopiesStopped',
  OverdueStopped: 'OverdueStopped',
  RunsSucceeded: 'RunsSucceeded',
  /** Slots whose last attempt failed: what alarmOnFailure watches. */
  RunsFailed: 'RunsFailed',
  /** Failed attempts that another attempt follows. */
  RunsRetried: 'RunsRetried',
  RunDurationSeconds: 'RunDurationSeconds',
  MessagesRejected: 'MessagesRejected',
  // Both kinds.
  Conflicts: 'Conflicts',
  EcsThrottles: 'EcsThrottles',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

export type RuleKind = 'daemon' | 'cron';

/** The dimensions of every metric of one rule (besides Powertools' `service`). */
export function ruleDimensions(rule: string, kind: RuleKind): { Rule: string; Kind: RuleKind } {
  return { Rule: rule, Kind: kind };
}
