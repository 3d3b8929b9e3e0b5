import type { Cron } from 'croner';
import type { CronSchedule } from './types.js';
import { fromWallClock, toWallClock } from './wall-clock.js';
import { wallCron } from './wall-cron.js';

/*
 * Cron slots follow EventBridge Scheduler's daylight-saving rules: the pattern is matched on the
 * zone's wall clock, a local time the clocks skip (spring forward) does not fire that day, and a
 * local time they show twice (fall back) fires once, at its first occurrence. So a daily 02:30 in
 * America/New_York has no run on 2026-03-08, and an hourly :30 runs 23 times that day and 24
 * times on 2026-11-01 (01:30 once). See README.md beside this file.
 */

const compiled = new WeakMap<CronSchedule, Cron>();

/** Slots strictly after `after`, earliest first, until the year field ends. */
export function* cronSlotsAfter(schedule: CronSchedule, after: Date): Generator<Date> {
  const cron = cronOf(schedule);
  let wall: Date | null = toWallClock(after, schedule.timeZone);
  while ((wall = cron.nextRun(wall)) !== null) {
    const slot = fromWallClock(wall, schedule.timeZone);
    // Inside a repeated hour `after` may be on its second pass, where the local times just after
    // it already fired on the first pass: those slots are before `after`, so skip them.
    if (slot !== undefined && slot > after) yield slot;
  }
}

/** The latest slot at or before `atOrBefore`. */
export function previousCronSlot(schedule: CronSchedule, atOrBefore: Date): Date | undefined {
  const cron = cronOf(schedule);
  const wall = toWallClock(atOrBefore, schedule.timeZone);
  // On the second pass of a repeated hour, local times up to one repeat later than `wall` fired
  // on the first pass, before `atOrBefore`: start looking that much later. Elsewhere this adds 0.
  const firstPass = fromWallClock(wall, schedule.timeZone) ?? atOrBefore;
  const repeat = atOrBefore.getTime() - firstPass.getTime();
  // croner looks strictly before its reference; one millisecond more makes the search inclusive.
  let reference = new Date(wall.getTime() + repeat + 1);
  for (;;) {
    const [candidate] = cron.previousRuns(1, reference);
    if (candidate === undefined) return undefined;
    const slot = fromWallClock(candidate, schedule.timeZone);
    if (slot !== undefined && slot <= atOrBefore) return slot;
    reference = candidate;
  }
}

function cronOf(schedule: CronSchedule): Cron {
  let cron = compiled.get(schedule);
  if (cron === undefined) {
    cron = wallCron(schedule.pattern);
    compiled.set(schedule, cron);
  }
  return cron;
}
