/**
 * Zones that are a fixed offset from UTC, never changing for daylight saving time: the tz
 * database's `Etc/GMT±N` and its legacy abbreviations EST, MST and HST. They are valid, and
 * EventBridge takes them, but a user who writes EST usually means New York's clocks, which move
 * an hour in March and November: the slots would then be an hour off for most of the year.
 */

/** `Etc/GMT+5` is UTC-05:00: POSIX signs, the opposite of ISO 8601's. */
const ETC_OFFSET = /^Etc\/GMT([+-])(\d{1,2})$/;

const ABBREVIATIONS: Readonly<Record<string, { hours: number; meant: string }>> = {
  EST: { hours: -5, meant: 'America/New_York' },
  // Arizona keeps MST all year (America/Phoenix); most of the Mountain zone does not.
  MST: { hours: -7, meant: 'America/Denver (America/Phoenix stays on UTC-07:00 all year)' },
  // Hawaii keeps no daylight saving time: the same times, under the place's name.
  HST: { hours: -10, meant: 'Pacific/Honolulu' },
};

/** The daylight-saving zone most people mean by a standard offset, for the offsets with a clear answer. */
const ZONE_BY_OFFSET: Readonly<Record<number, string>> = {
  [-10]: 'Pacific/Honolulu',
  [-9]: 'America/Anchorage',
  [-8]: 'America/Los_Angeles',
  [-7]: 'America/Denver',
  [-6]: 'America/Chicago',
  [-5]: 'America/New_York',
  [-4]: 'America/Halifax',
  1: 'Europe/Paris',
  2: 'Europe/Athens',
  10: 'Australia/Sydney',
  12: 'Pacific/Auckland',
};

/** A fixed-offset zone's offset and the zone probably meant instead. */
export interface FixedOffset {
  /** Hours east of UTC (negative west), as ISO 8601 counts them. */
  utcOffsetHours: number;
  /** The Region/City zone probably meant, when one is clear. */
  probablyMeant: string | undefined;
}

/** Whether a time zone name is a fixed offset (UTC itself, under any name, is not reported). */
export function fixedOffset(timeZone: string): FixedOffset | undefined {
  const abbreviation = ABBREVIATIONS[timeZone];
  if (abbreviation) return { utcOffsetHours: abbreviation.hours, probablyMeant: abbreviation.meant };
  const match = ETC_OFFSET.exec(timeZone);
  if (!match) return undefined;
  const hours = (match[1] === '+' ? -1 : 1) * Number(match[2]);
  return hours === 0 ? undefined : { utcOffsetHours: hours, probablyMeant: ZONE_BY_OFFSET[hours] };
}

/** `UTC-05:00`, `UTC+05:30`-style, whole hours only as Etc zones are. */
export function formatUtcOffset(hours: number): string {
  return `UTC${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`;
}
