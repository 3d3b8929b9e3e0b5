import { invalidSchedule } from './errors.js';
import type { CronFields } from './types.js';

/** One field of an EventBridge cron expression: its values and wildcards, from the service docs. */
interface FieldSpec {
  key: keyof CronFields;
  label: string;
  min: number;
  max: number;
  /** Names standing for min, min + 1, ... (JAN = 1, SUN = 1). */
  names?: readonly string[];
  wildcards: string;
}

export const CRON_FIELD_SPECS: readonly FieldSpec[] = [
  { key: 'minutes', label: 'minutes', min: 0, max: 59, wildcards: ', - * /' },
  { key: 'hours', label: 'hours', min: 0, max: 23, wildcards: ', - * /' },
  { key: 'dayOfMonth', label: 'day-of-month', min: 1, max: 31, wildcards: ', - * ? / L W' },
  {
    key: 'month',
    label: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    wildcards: ', - * /',
  },
  {
    key: 'dayOfWeek',
    label: 'day-of-week',
    min: 1,
    max: 7,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
    wildcards: ', - * ? L #',
  },
  { key: 'year', label: 'year', min: 1970, max: 2199, wildcards: ', - * /' },
];

/** `*`, a value or a range, each with an optional step: `5`, `MON-FRI`, `0/15`, `1-10/3`. */
const ITEM = /^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:\/(\d+))?$/;

/**
 * Checks one field (upper-cased) and writes it in croner's syntax. Numbers and names become
 * numbers, steps get an explicit range (croner reads `5/15` only as `5-59/15`), and `*` in the year
 * becomes EventBridge's 1970-2199 so that a schedule past 2199 ends as it does there.
 *
 * @throws ScheduleError naming the field, the bad value and what the field allows.
 */
export function translateField(text: string, spec: FieldSpec, expression: string): string {
  if (text === '?' && spec.wildcards.includes('?')) return '*';
  if (spec.key === 'dayOfMonth' && /[LW]/.test(text)) return dayOfMonthSpecial(text, spec, expression);
  if (spec.key === 'dayOfWeek' && /[L#]/.test(text)) return dayOfWeekSpecial(text, spec, expression);
  return text
    .split(',')
    .map((item) => translateItem(item, spec, expression))
    .join(',');
}

function translateItem(item: string, spec: FieldSpec, expression: string): string {
  const match = ITEM.exec(item);
  const base = match?.[1];
  const step = match?.[2];
  if (base === undefined || (step !== undefined && !spec.wildcards.includes('/'))) {
    throw badValue(item, spec, expression);
  }
  if (base === '*' && step === undefined) return spec.key === 'year' ? `${spec.min}-${spec.max}` : '*';
  const [low, high] = bounds(base, step !== undefined, spec, expression);
  if (step === undefined) return low === high ? `${low}` : `${low}-${high}`;
  const span = spec.max - spec.min + 1;
  const every = Number(step);
  if (every < 1 || every > span) {
    throw invalidSchedule(expression, `${spec.label} step must be 1-${span}, found ${step}`, spec.label);
  }
  return `${low}-${high}/${every}`;
}

/** The first and last value an item covers; a stepped single value runs to the field's end. */
function bounds(base: string, stepped: boolean, spec: FieldSpec, expression: string): [number, number] {
  if (base === '*') return [spec.min, spec.max];
  const dash = base.indexOf('-');
  if (dash < 0) {
    const single = value(base, spec, expression);
    return [single, stepped ? spec.max : single];
  }
  const [from, to] = [base.slice(0, dash), base.slice(dash + 1)];
  const [low, high] = [value(from, spec, expression), value(to, spec, expression)];
  if (low > high) {
    // EventBridge documents no wrap-around ranges, so we refuse them and show the list to write.
    const [first, last] = [spec.names?.[0] ?? `${spec.min}`, spec.names?.at(-1) ?? `${spec.max}`];
    const list = `${from}-${last},${first}-${to}`;
    throw invalidSchedule(expression, `${spec.label} range ${base} must go from low to high; write ${list}`, spec.label);
  }
  return [low, high];
}

function value(token: string, spec: FieldSpec, expression: string): number {
  const named = spec.names?.indexOf(token) ?? -1;
  const number = /^\d+$/.test(token) ? Number(token) : named >= 0 ? spec.min + named : Number.NaN;
  if (number >= spec.min && number <= spec.max) return number;
  throw invalidSchedule(expression, `${spec.label} must be ${allowedValues(spec)}, found ${token}`, spec.label);
}

/** `L` (last day), `LW` (last weekday), `15W` (weekday nearest the 15th). */
function dayOfMonthSpecial(text: string, spec: FieldSpec, expression: string): string {
  if (text === 'L' || text === 'LW') return text;
  const nearest = /^(\d+)W$/.exec(text)?.[1];
  if (nearest !== undefined) return `${value(nearest, spec, expression)}W`;
  throw alone(text, 'L or W', spec, expression);
}

/** `L` (Saturday, the last day of the week), `6L` (last Friday of the month), `3#2` (second Tuesday). */
function dayOfWeekSpecial(text: string, spec: FieldSpec, expression: string): string {
  if (text === 'L') return `${spec.max}`;
  const last = /^([A-Z0-9]+)L$/.exec(text)?.[1];
  if (last !== undefined) return `${value(last, spec, expression)}#L`;
  const [day, nth] = text.split('#');
  if (day !== undefined && nth !== undefined && /^[A-Z0-9]+$/.test(day) && /^\d+$/.test(nth)) {
    const weekday = value(day, spec, expression);
    if (Number(nth) < 1 || Number(nth) > 5) {
      throw invalidSchedule(expression, `day-of-week: the number after # must be 1-5, found ${nth}`, spec.label);
    }
    return `${weekday}#${Number(nth)}`;
  }
  throw alone(text, 'L or #', spec, expression);
}

/** EventBridge takes L, W and # only as the field's single expression (no lists, no ranges). */
function alone(text: string, wildcard: string, spec: FieldSpec, expression: string) {
  return text.includes(',')
    ? invalidSchedule(expression, `${spec.label} with ${wildcard} must be a single expression, found ${text}`, spec.label)
    : badValue(text, spec, expression);
}

function badValue(item: string, spec: FieldSpec, expression: string) {
  return invalidSchedule(
    expression,
    `${spec.label} has an invalid value "${item}": use ${allowedValues(spec)} with ${spec.wildcards}`,
    spec.label,
  );
}

function allowedValues(spec: FieldSpec): string {
  const names = spec.names === undefined ? '' : ` or ${spec.names[0]}-${spec.names.at(-1)}`;
  return `${spec.min}-${spec.max}${names}`;
}
