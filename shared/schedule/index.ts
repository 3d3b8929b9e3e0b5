export { describeSchedule } from './describe.js';
export { ScheduleError } from './errors.js';
export { parseSchedule } from './parse.js';
export { nextSlot, previousSlot, slotsBetween } from './slots.js';
export type { AtSchedule, CronFields, CronSchedule, ParseOptions, RateSchedule, RateUnit, Schedule } from './types.js';
export { besideUtc, zonedTime } from './zoned-time.js';
