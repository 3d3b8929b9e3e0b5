/**
 * A slot as people in the rule's time zone read it, to show beside UTC: a 01:00
 * America/New_York rule's slot is "06:00" in UTC, which nobody recognizes as their 01:00.
 */

/** `2026-12-08 01:00 America/New_York`: the date and minute in `timeZone`, and the zone. */
export function zonedTime(at: Date | string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}

/** An ISO-8601 UTC time, then the zone's in parentheses; only the UTC time for a rule in UTC. */
export function besideUtc(iso: string, timeZone: string | undefined): string {
  return timeZone === undefined || timeZone === 'UTC' ? iso : `${iso} (${zonedTime(iso, timeZone)})`;
}
