import { invalidSchedule } from './errors.js';
import type { RateSchedule, RateUnit } from './types.js';

const UNIT_MS: Record<RateUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/**
 * Parses the body of `rate(...)`: a whole number and a unit, singular with 1 and plural otherwise
 * (`rate(1 hour)`, `rate(5 minutes)`), as EventBridge requires. A rate counts real time: a day is
 * always 24 hours, whatever daylight saving time does to the clock.
 *
 * @throws ScheduleError naming the bad value or unit and the accepted form.
 */
export function parseRate(expression: string, body: string, anchor: Date): RateSchedule {
  const words = body.trim().split(/\s+/);
  if (words.length !== 2) throw invalidSchedule(expression, 'rate() needs a value and a unit, such as rate(5 minutes)');
  const [valueText, unitText] = words as [string, string];
  const value = /^\d+$/.test(valueText) ? Number(valueText) : 0;
  if (value < 1) {
    throw invalidSchedule(expression, `rate(): value must be a whole number of 1 or more, found ${valueText}`, 'value');
  }
  const singular = unitText.endsWith('s') ? unitText.slice(0, -1) : unitText;
  const unit = `${singular}s`;
  if (!isRateUnit(unit)) {
    throw invalidSchedule(expression, `rate(): unit must be minute(s), hour(s) or day(s), found "${unitText}"`, 'unit');
  }
  const expected = value === 1 ? singular : unit;
  if (unitText !== expected) {
    throw invalidSchedule(expression, `rate(): use "${expected}" with ${value}, found "${unitText}"`, 'unit');
  }
  const everyMs = value * UNIT_MS[unit];
  if (!Number.isSafeInteger(everyMs)) throw invalidSchedule(expression, `rate(): value ${valueText} is too large`, 'value');
  if (Number.isNaN(anchor.getTime())) throw invalidSchedule(expression, 'the rate anchor is not a valid date', 'anchor');
  return { kind: 'rate', expression, every: { value, unit }, everyMs, anchor };
}

function isRateUnit(unit: string): unit is RateUnit {
  return Object.hasOwn(UNIT_MS, unit);
}
