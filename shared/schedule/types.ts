/** The six fields of an EventBridge cron expression, as written (names upper-cased). */
export interface CronFields {
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
}

export interface CronSchedule {
  kind: 'cron';
  expression: string;
  /** IANA zone whose wall clock the fields are read on. */
  timeZone: string;
  fields: CronFields;
  /**
   * The same schedule in croner's seven-field syntax (seconds first, Sunday = 1, `?` as `*`, year
   * bounded to 1970-2199), evaluated on the zone's wall clock: see cron-slots.ts.
   */
  pattern: string;
}

export type RateUnit = 'minutes' | 'hours' | 'days';

export interface RateSchedule {
  kind: 'rate';
  expression: string;
  every: { value: number; unit: RateUnit };
  everyMs: number;
  /**
   * The first slot; the others follow every `everyMs` after it. EventBridge Scheduler counts a
   * rate from the schedule's StartDate, so pass that StartDate as the `anchor` option of
   * `parseSchedule` (default: the Unix epoch). Slots never fall before the anchor.
   */
  anchor: Date;
}

export interface AtSchedule {
  kind: 'at';
  expression: string;
  timeZone: string;
  /** The one instant it fires: the local time of the expression, read in `timeZone`. */
  at: Date;
}

export type Schedule = CronSchedule | RateSchedule | AtSchedule;

export interface ParseOptions {
  /** Where a rate schedule counts from (its EventBridge StartDate). Default: the Unix epoch. */
  anchor?: Date;
}
