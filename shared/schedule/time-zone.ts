import { ScheduleError } from './errors.js';

/**
 * IANA capitalisation: every part of the name starts with a capital letter (America/New_York,
 * Etc/GMT+5, UTC). ICU matches names case-insensitively, EventBridge Scheduler does not.
 */
const IANA_SPELLING = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/;

/**
 * Accepts any name of the tz database that Node's ICU knows, canonical or alias (America/New_York,
 * Asia/Kolkata, US/Eastern, UTC, GMT), spelled as IANA writes it. Offsets such as `+05:00` and
 * unknown names are refused. Aliases are kept as written: the same name goes to EventBridge.
 *
 * @throws ScheduleError naming the zone and an example of a valid one.
 */
export function checkTimeZone(timeZone: string, expression: string): void {
  const resolved = resolveTimeZone(timeZone);
  // ICU resolves a miscapitalised canonical name (America/New_york) to the real one; an alias
  // (US/Eastern) resolves to a different name altogether, and is fine as written.
  const miscapitalised = resolved !== undefined && resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase();
  if (resolved !== undefined && IANA_SPELLING.test(timeZone) && !miscapitalised) return;
  if (resolved !== undefined && IANA_SPELLING.test(resolved)) {
    throw new ScheduleError(`Time zone "${timeZone}" must be written as ${resolved}`, expression, 'timeZone');
  }
  throw new ScheduleError(
    `Unknown time zone "${timeZone}": use an IANA name such as America/New_York`,
    expression,
    'timeZone',
  );
}

function resolveTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
