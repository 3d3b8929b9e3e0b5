import type { TextValue } from './ast.js';

/** A free-text value; `*` stands for any run of characters, so `t2.*` matches every t2 size. */
export function textValue(text: string): TextValue {
  if (!text.includes('*')) return { text, wildcard: undefined };
  const parts = text.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return { text, wildcard: new RegExp(`^${parts.join('.*')}$`) };
}

export function parseCount(text: string): number | undefined {
  const count = /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(count) ? count : undefined;
}

/** Dotted numeric components of an agent version: '1.14.5' -> [1, 14, 5]. */
export function parseVersion(text: string): number[] | undefined {
  return /^\d+(?:\.\d+)*$/.test(text) ? text.split('.').map(Number) : undefined;
}

/** The docs' date formats: 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28, 2018-06-18. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Epoch seconds for a date in one of the documented formats, or undefined. A date or time without
 * an offset is taken as UTC: ECS reports registeredAt in UTC, and the answer must not depend on the
 * time zone of the machine that evaluates it.
 */
export function parseInstant(text: string): number | undefined {
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const field = (index: number): number => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(field) as [
    number, number, number, number, number, number,
  ];
  const offset = parseOffsetMinutes(match[7] ?? 'Z');
  if (offset === undefined) return undefined;
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(millis);
  // Date.UTC rolls 2018-02-30 over into March: a round trip rejects such dates.
  const exists =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  return exists ? millis / 1000 - offset * 60 : undefined;
}

function parseOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

export type PatternResult = { pattern: RegExp } | { reason: string };

/**
 * Compiles a `matches` argument. The whole value must match, as with Java's String.matches (ECS
 * documents Java regular expressions); every documented pattern ends in `.*` (`g2.*`, `t2.*`),
 * which only makes sense under whole-value matching. The pattern is checked on its own first, so
 * that one like `a)|(b` cannot slip through by closing our anchoring group.
 */
export function compilePattern(source: string): PatternResult {
  try {
    new RegExp(source);
    return { pattern: new RegExp(`^(?:${source})$`) };
  } catch (error) {
    // V8 says "Invalid regular expression: /SOURCE/: REASON"; the reason is the useful part.
    const message = error instanceof Error ? error.message : String(error);
    return { reason: message.slice(message.lastIndexOf(': ') + 2) };
  }
}
