import { CRON_VISIBILITY_MARGIN_SECONDS, cronTimeouts } from '../../queues/timeouts.js';
import { slotTerms } from '../../rules/cron/slot-terms.js';
import { RESERVED_MS } from './attempt.js';
import type { CronCommand } from './messages.js';

/**
 * Whether a slot (or run-now) that begins with `remainingMs` of function time left should go back
 * to the queue for an invocation of its own rather than run now: its capacity retries could go
 * on until its starting deadline, and with too little time the slot would fail, and be deleted,
 * for lack of function time. A message left unhandled comes back when its batch's visibility
 * timeout ends, the function's remaining time plus 30 s from now, so it goes back only if it then
 * still has its deadline ahead; one past (or nearly past) its deadline runs now, to be skipped or
 * to make the attempts it still can. The window is capped below what a whole invocation gives the
 * rule, so a message received first in an invocation always runs.
 */
export function returnsForTime(command: CronCommand, remainingMs: number, now: Date): boolean {
  if (command.kind !== 'slot') return false;
  const { deadline } = slotTerms(command.rule, command.slot, command.trigger);
  const comesBackIn = remainingMs + CRON_VISIBILITY_MARGIN_SECONDS * 1000;
  const toDeadlineMs = deadline.getTime() - now.getTime();
  if (toDeadlineMs <= comesBackIn) return false;
  const wholeInvocationMs = cronTimeouts(command.rule).functionSeconds * 1000;
  return remainingMs < Math.min(toDeadlineMs, wholeInvocationMs - RESERVED_MS);
}
