import { cronSlotsAfter, previousCronSlot } from './cron-slots.js';
import { previousRateSlot, rateSlotsAfter } from './rate-slots.js';
import type { Schedule } from './types.js';

/** Enough for most of a day of an every-minute schedule; for the latest slot, use previousSlot. */
const DEFAULT_LIMIT = 1000;

/** The first fire time strictly after `after`; undefined when there is none (a past at(), an ended year field). */
export function nextSlot(schedule: Schedule, after: Date): Date | undefined {
  for (const slot of slotsAfter(schedule, after)) return slot;
  return undefined;
}

/** The latest fire time at or before `atOrBefore`: the slot a "run now" or a late start belongs to. */
export function previousSlot(schedule: Schedule, atOrBefore: Date): Date | undefined {
  switch (schedule.kind) {
    case 'cron':
      return previousCronSlot(schedule, atOrBefore);
    case 'rate':
      return previousRateSlot(schedule, atOrBefore);
    case 'at':
      return schedule.at <= atOrBefore ? new Date(schedule.at) : undefined;
  }
}

/** The fire times in (from, to], earliest first, at most `limit` of them (the earliest ones). */
export function slotsBetween(schedule: Schedule, from: Date, to: Date, limit = DEFAULT_LIMIT): Date[] {
  const slots: Date[] = [];
  for (const slot of slotsAfter(schedule, from)) {
    if (slot > to || slots.length >= limit) break;
    slots.push(slot);
  }
  return slots;
}

function slotsAfter(schedule: Schedule, after: Date): Iterable<Date> {
  switch (schedule.kind) {
    case 'cron':
      return cronSlotsAfter(schedule, after);
    case 'rate':
      return rateSlotsAfter(schedule, after);
    case 'at':
      return schedule.at > after ? [new Date(schedule.at)] : [];
  }
}
