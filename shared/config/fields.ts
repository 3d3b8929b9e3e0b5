import { z } from 'zod';
import { mustBe } from './messages.js';

/**
 * A whole number in a range. Every way to get it wrong (a string, a fraction, out of range) gets
 * the same message stating the whole rule, rather than one fact at a time.
 */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER, why = '') {
  const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
  const error = (issue: { input?: unknown }) => mustBe(`a whole number ${range}${why}`, issue.input);
  return z.number({ error }).refine((value) => Number.isSafeInteger(value) && value >= min && value <= max, { error });
}

/** A string, described to the user as `allowed` when it is missing or not a string. */
export function text(allowed: string) {
  return z.string({ error: (issue) => mustBe(allowed, issue.input) });
}

/** A string matching `pattern`, described to the user as `allowed`. */
export function matching(pattern: RegExp, allowed: string) {
  return text(allowed).regex(pattern, { error: (issue) => mustBe(allowed, issue.input) });
}
