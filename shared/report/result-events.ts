import type { FailedAction, StartedTask, StoppedTask } from '../ecs/apply.js';
import type { RejectionReason } from '../placement/types.js';
import type { SkipReason } from '../rules/cron/plan-slot.js';
import type { Coverage } from '../rules/daemon/reconcile.js';
import type { TaskStatus } from '../state/types.js';
import type { DetailType } from './vocabulary.js';

/** The detail of each result event, by detail type. */
export interface ResultDetails {
  [DetailType.DaemonReconciled]: DaemonReconciledDetail;
  [DetailType.DaemonPlacementFailed]: DaemonPlacementFailedDetail;
  [DetailType.DaemonConstraintMatchesNothing]: DaemonConstraintMatchesNothingDetail;
  [DetailType.CronRunStarted]: CronRunStartedDetail;
  [DetailType.CronSlotSkipped]: CronSlotSkippedDetail;
  [DetailType.CronSlotFailed]: CronSlotFailedDetail;
  [DetailType.CronRunSucceeded]: CronRunEndedDetail;
  [DetailType.CronRunFailed]: CronRunEndedDetail;
  [DetailType.CronRunStopped]: CronRunStoppedDetail;
  [DetailType.CronMessageRejected]: CronMessageRejectedDetail;
}

/** The event of one detail type. */
export interface ResultEventOf<T extends DetailType> {
  detailType: T;
  detail: ResultDetails[T];
  /** ARNs the event is about (cluster, instances, tasks). */
  resources?: string[];
}

/**
 * The result events as they go on the wire (`detail` is JSON.stringify'd, so an undefined field is
 * left out). A union keyed by `detailType`: whoever reads an event narrows on its type and gets
 * its detail's fields, with no cast.
 */
export type ResultEvent = { [T in DetailType]: ResultEventOf<T> }[DetailType];

/** Whether an event is of the given detail type; narrows it, as a filter or find predicate. */
export function isResultEvent<T extends DetailType>(type: T): (event: ResultEvent) => event is ResultEvent & ResultEventOf<T> {
  return (event): event is ResultEvent & ResultEventOf<T> => event.detailType === type;
}

interface RuleFields {
  rule: string;
  /** The cluster's ARN. */
  cluster: string;
}

/** Where one copy of a run is: what a person looks for the morning after. */
export interface Placement {
  taskArn: string;
  containerInstanceArn: string | undefined;
  ec2InstanceId: string | undefined;
  lastStatus: TaskStatus;
}

/** A run of an earlier slot that the Replace overlap policy stopped. */
export interface ReplacedRun {
  taskArn: string;
  reason: string;
}

/** What names a slot, in every slot event. */
export interface SlotFields extends RuleFields {
  /** The slot's scheduled time (for a run-now, the request's), ISO 8601. */
  slot: string;
  /** 'schedule' for EventBridge Scheduler's slots, 'manual' for a run-now. */
  trigger: 'schedule' | 'manual';
  /** The startedBy of the slot's copies. */
  startedBy: string;
  count: number;
}

export interface CronRunStartedDetail extends SlotFields {
  /** Every copy of the slot, also those started by an earlier invocation. */
  placements: Placement[];
  startedNow: number;
  attempts: number;
  replaced: ReplacedRun[];
  /** The slot's own copies above `count`, stopped (newest first). */
  extrasStopped: ReplacedRun[];
  conflicts: number;
}

export interface CronSlotSkippedDetail extends SlotFields {
  reason: SkipReason;
  /** The reason in words. */
  detail: string;
  copies: Placement[];
  replaced: ReplacedRun[];
  extrasStopped: ReplacedRun[];
}

export interface CronSlotFailedDetail extends SlotFields {
  missing: number;
  /** The last instant a copy could have started, ISO 8601. */
  deadline: string;
  attempts: number;
  reasons: string[];
  rejections: Partial<Record<RejectionReason, number>>;
  failures: FailedAction[];
  placements: Placement[];
  replaced: ReplacedRun[];
  extrasStopped: ReplacedRun[];
}

/** A run the max-run-time pass stopped. */
/** How one copy of a run ended, as ECS reported it. */
export interface CopyExit {
  taskArn: string;
  containerInstanceArn?: string;
  ec2InstanceId?: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: Array<{ name: string; essential: boolean; exitCode?: number; reason?: string }>;
}

/** A run (one attempt of a slot) that ended: succeeded, or failed with reasons and, when another attempt follows, its time. */
export interface CronRunEndedDetail extends RuleFields {
  slot: string;
  trigger: 'schedule' | 'manual';
  startedBy: string;
  attempt: number;
  /** 1 + the rule's retries. */
  maxAttempts: number;
  startedAt?: string;
  endedAt: string;
  durationSeconds?: number;
  copies: CopyExit[];
  reasons: string[];
  /** When the next attempt begins; absent when this was the slot's last. */
  retryAt?: string;
}

export interface OverdueStop {
  taskArn: string;
  /** The run's slot, ISO 8601. */
  slot: string;
  containerInstanceArn: string | undefined;
  ec2InstanceId: string | undefined;
  runningSeconds: number | undefined;
  reason: string;
}

export interface CronRunStoppedDetail extends RuleFields, OverdueStop {
  maxRunSeconds: number | undefined;
}

export interface CronMessageRejectedDetail {
  /** Absent when the message names no rule we know. */
  rule?: string;
  messageId: string;
  problem: string;
  /** The message as received; cut when too large for an event, and bodyTruncated is then true. */
  body: string;
  bodyTruncated?: boolean;
  /** The whole body's size in UTF-8, when it was cut. */
  bodyBytes?: number;
}

export interface DaemonReconciledDetail extends RuleFields {
  /** Why this reconcile ran. */
  reason: string;
  /** Coverage before the reconcile acted; failedToPlace as a count (the placement event names them). */
  coverage: Omit<Coverage, 'failedToPlace'> & { failedToPlace: number };
  started: StartedTask[];
  stopped: StoppedTask[];
  failed: FailedAction[];
  conflicts: number;
}

/** An eligible instance without a copy: the placer turned it down, or ECS refused the start. */
export interface UnplacedInstance {
  containerInstanceArn: string;
  ec2InstanceId?: string;
  reason: string;
  detail?: string;
}

export interface DaemonPlacementFailedDetail extends RuleFields {
  instances: UnplacedInstance[];
}

export interface DaemonConstraintMatchesNothingDetail extends RuleFields {
  constraint: string;
  /** The copies kept running on instances the constraint no longer matches. */
  keptCopies: number;
}
