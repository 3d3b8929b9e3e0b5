import type { RateSchedule } from './types.js';

/** Slots strictly after `after`: the anchor, then every `everyMs`. */
export function* rateSlotsAfter(schedule: RateSchedule, after: Date): Generator<Date> {
  const elapsed = after.getTime() - schedule.anchor.getTime();
  let index = elapsed < 0 ? 0 : Math.floor(elapsed / schedule.everyMs) + 1;
  for (let slot = slotAt(schedule, index); slot !== undefined; slot = slotAt(schedule, ++index)) yield slot;
}

/** The latest slot at or before `atOrBefore`; none before the anchor. */
export function previousRateSlot(schedule: RateSchedule, atOrBefore: Date): Date | undefined {
  const elapsed = atOrBefore.getTime() - schedule.anchor.getTime();
  return elapsed < 0 ? undefined : slotAt(schedule, Math.floor(elapsed / schedule.everyMs));
}

/** The index-th slot, or undefined past the largest date JavaScript can hold. */
function slotAt(schedule: RateSchedule, index: number): Date | undefined {
  const slot = new Date(schedule.anchor.getTime() + index * schedule.everyMs);
  return Number.isNaN(slot.getTime()) ? undefined : slot;
}
