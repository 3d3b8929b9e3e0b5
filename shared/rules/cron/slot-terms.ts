import { startingDeadline } from './deadline.js';
import { cronAttemptKey, type CronRule } from './rule.js';

/** A retry of a slot: which attempt, and when it became due. */
export interface Retry {
  number: number;
  dueAt: Date;
}

/** What one attempt at a slot is held to: the startedBy of its copies, and its starting deadline. */
export interface SlotTerms {
  key: string;
  deadline: Date;
  /** Whether a late invocation is skipped as too late; otherwise the deadline only ends capacity retries. */
  enforceDeadline: boolean;
}

/**
 * The terms of one attempt. The first attempt of a scheduled slot must begin by the slot's
 * deadline (flexible window plus startingDeadlineSeconds); a manual run has no deadline of its own,
 * and its capacity retries end at startingDeadlineSeconds after the request. A retry is due at its
 * own time and must begin within startingDeadlineSeconds of it, like a slot of its own.
 */
export function slotTerms(rule: CronRule, slot: Date, trigger: 'schedule' | 'manual', retry?: Retry): SlotTerms {
  if (retry) {
    return { key: cronAttemptKey(rule, slot, retry.number), deadline: startingDeadline({ startingDeadlineSeconds: rule.startingDeadlineSeconds }, retry.dueAt), enforceDeadline: true };
  }
  const manual = trigger === 'manual';
  return {
    key: cronAttemptKey(rule, slot, 1),
    deadline: startingDeadline(manual ? { startingDeadlineSeconds: rule.startingDeadlineSeconds } : rule, slot),
    enforceDeadline: !manual,
  };
}
