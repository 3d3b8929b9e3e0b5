import type { z } from 'zod';
import { isRecord } from './records.js';

/**
 * The wording of every config error: what the value must be, then what was found, so a message
 * alone tells the user how to fix the field.
 */
export function mustBe(allowed: string, input: unknown): string {
  return input === undefined ? `missing; must be ${allowed}` : `must be ${allowed}, found ${show(input)}`;
}

/** A value as the user wrote it: strings quoted, containers named rather than dumped. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** `"a", "b" or "c"`. */
export function oneOf(values: readonly unknown[]): string {
  const shown = values.map((value) => JSON.stringify(value));
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

const TYPE_NAMES: Partial<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/**
 * Words for zod's own issues (wrong type, unknown key, value not in a list). Fields with a
 * narrower rule (ranges, names, expressions) carry their own message and never reach this map.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return mustBe(TYPE_NAMES[issue.expected] ?? issue.expected, issue.input);
    case 'unrecognized_keys':
      return unknownKeys(issue.keys, allowedKeys(issue.inst));
    case 'invalid_value':
      return mustBe(oneOf(issue.values), issue.input);
    case 'invalid_union':
      // A discriminated union whose `type` matches no option: say which types there are.
      return Array.isArray(issue.options) && typeof issue.discriminator === 'string'
        ? mustBe(oneOf(issue.options), fieldOf(issue.input, issue.discriminator))
        : undefined;
    case 'invalid_key':
      // A record key (a cluster name) that fails its own check: that check's message says it all.
      return issue.issues[0]?.message;
    default:
      return undefined;
  }
};

function unknownKeys(keys: readonly string[], allowed: readonly string[]): string {
  const named = keys.map((key) => JSON.stringify(key)).join(', ');
  return `unknown ${keys.length === 1 ? 'key' : 'keys'} ${named} (allowed: ${allowed.join(', ')})`;
}

/** The keys a strict object accepts, read from the schema that refused the others. */
function allowedKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

function fieldOf(input: unknown, key: string): unknown {
  return isRecord(input) ? input[key] : input;
}
