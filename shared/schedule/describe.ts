import type { Schedule } from './types.js';

/** Short text for logs, the CLI and docs: `cron(0 2 * * ? *) in America/New_York`. */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'rate':
      // The epoch anchor is the default, and says nothing worth a log line.
      return schedule.anchor.getTime() === 0
        ? schedule.expression
        : `${schedule.expression} from ${schedule.anchor.toISOString()}`;
    case 'cron':
    case 'at':
      return `${schedule.expression} in ${schedule.timeZone}`;
  }
}
