/**
 * What the ledger remembers of one slot of a cron rule. ECS forgets a stopped task after about an
 * hour; this record is the slot's history after that, and the guard that a slot is begun once.
 */

/** Where a slot stands. Claimed, Running and Retrying are open; the others are final. */
export const SLOT_STATE = {
  /** Begun: the claim is written, copies may be starting. */
  Claimed: 'Claimed',
  /** The attempt's copies were started; its outcome is awaited. */
  Running: 'Running',
  /** An attempt failed and another waits for `retryAt`. */
  Retrying: 'Retrying',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  /** Stopped by the scheduler itself (maxRunSeconds, Replace): not a failure of the job. */
  Stopped: 'Stopped',
  /** Never started: suspended, too late, overlap forbidden, no capacity. */
  Skipped: 'Skipped',
} as const;
export type SlotState = (typeof SLOT_STATE)[keyof typeof SLOT_STATE];

/** One container of a stopped copy, as ECS reported it. `exitCode` is absent when it never ran. */
export interface ContainerExit {
  name: string;
  essential: boolean;
  exitCode?: number;
  reason?: string;
}

/** One copy of an attempt: where it ran and, once stopped, how it ended. */
export interface CopyRecord {
  taskArn: string;
  containerInstanceArn?: string;
  ec2InstanceId?: string;
  stoppedAt?: string;
  stopCode?: string;
  stoppedReason?: string;
  containers?: ContainerExit[];
}

/** How one attempt ended. */
export const ATTEMPT_OUTCOME = { Succeeded: 'Succeeded', Failed: 'Failed', Stopped: 'Stopped' } as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOME)[keyof typeof ATTEMPT_OUTCOME];

export interface AttemptRecord {
  /** 1 for the slot's first run, N+1 for the retry after attempt N. */
  number: number;
  /** The copies' startedBy: the slot's key, with the attempt after it from the second on. */
  startedBy: string;
  /** A retry's time: its starting deadline counts from here (the first attempt's, from the slot). */
  dueAt?: string;
  startedAt?: string;
  copies: CopyRecord[];
  endedAt?: string;
  outcome?: AttemptOutcome;
  /** Why it failed or was stopped, in words a person can act on. */
  reasons?: string[];
}

export interface SlotRecord {
  rule: string;
  /** The slot's scheduled time, ISO-8601 UTC. */
  slot: string;
  trigger: 'schedule' | 'manual';
  state: SlotState;
  /** Copies per attempt. */
  count: number;
  attempts: AttemptRecord[];
  /** Why the slot was skipped or failed. */
  reason?: string;
  /** When the next attempt may begin (state Retrying). */
  retryAt?: string;
  /** The cluster as ECS names it, once a snapshot was read. */
  clusterArn?: string;
  claimedAt: string;
  /**
   * The invocation that holds the claim, and until when: while a record is Claimed, a second
   * invocation of the slot yields to a lease that has not ended; one that has ended (its holder
   * died: the lease is the holder's own function deadline) is taken over by the next delivery.
   */
  owner?: string;
  leaseUntil?: string;
  /**
   * Until when a begun slot is completed, whatever its starting deadline: the last moment a
   * delivery of its message can still come and run (see completionBoundSeconds). A slot still
   * short of copies after it has failed.
   */
  completeBy?: string;
  updatedAt: string;
  finishedAt?: string;
  /** Bumped by every write: a write names the revision it read, so a stale writer is refused. */
  revision: number;
}

/** The attempt under way or last made. */
export function currentAttempt(record: SlotRecord): AttemptRecord | undefined {
  return record.attempts.at(-1);
}
