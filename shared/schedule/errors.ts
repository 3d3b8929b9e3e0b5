/**
 * A schedule expression or time zone that EventBridge Scheduler would refuse, or that could never
 * fire. Thrown only by `parseSchedule`, so a bad rule fails at synth or CLI time, never at its
 * first slot. The message names what is wrong and what is allowed.
 */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  constructor(
    message: string,
    /** The expression as written, e.g. `cron(0 25 * * ? *)`. */
    readonly expression: string,
    /** The part at fault when there is one: a cron field name, `unit`, `value`, `timeZone`... */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The common form of an expression error: `Invalid schedule "<expression>": <detail>`. */
export function invalidSchedule(expression: string, detail: string, field?: string): ScheduleError {
  return new ScheduleError(`Invalid schedule "${expression}": ${detail}`, expression, field);
}
