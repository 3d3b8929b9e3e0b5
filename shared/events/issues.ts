import type * as z from 'zod/mini';

/**
 * What a zod/mini parse found wrong, as one line: where, what was expected, what was there.
 * zod/mini carries no message catalogue (that is its size saving), so the words are ours.
 */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, json: unknown): string {
  return issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'the message';
      const expected = 'expected' in issue ? `expected ${String(issue.expected)}` : issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.code;
      const found = issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], json);
      return issue.code === 'unrecognized_keys' ? `${where}: ${expected}` : `${where}: ${expected}, found ${describe(found)}`;
    })
    .join('; ');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

/** The start of a message body, for a log line about a message that could not be read. */
export function preview(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
