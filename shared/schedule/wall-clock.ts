/**
 * Conversions between instants and a zone's wall clock. A wall-clock time travels in a `Date`
 * whose UTC fields read as the local date and time, so cron fields can be matched on it with no
 * zone in play, and daylight saving time is handled here alone.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's local date and time at `instant`. */
export function toWallClock(instant: Date, timeZone: string): Date {
  return new Date(instant.getTime() + offsetMs(instant.getTime(), timeZone));
}

/**
 * The first instant at which the zone's clock shows `wall`, or undefined when the clock skips
 * it (the hour lost when daylight saving time starts). A time shown twice (the hour repeated
 * when it ends) gives its first occurrence: EventBridge Scheduler fires such a time once.
 */
export function fromWallClock(wall: Date, timeZone: string): Date | undefined {
  // The offset in force is one of those a day either side (zones change offset at most once
  // in a couple of days), so only these instants can show `wall`.
  const candidates = [-DAY_MS, 0, DAY_MS]
    .map((shift) => wall.getTime() - offsetMs(wall.getTime() + shift, timeZone))
    .filter((instant) => instant + offsetMs(instant, timeZone) === wall.getTime());
  return candidates.length === 0 ? undefined : new Date(Math.min(...candidates));
}

/** What to add to `instant` to read the zone's wall clock. */
function offsetMs(instant: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}
