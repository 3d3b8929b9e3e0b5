import { invalidParameter } from '../errors.js';

// Checks ECS makes on request parameters, with ECS's own wording where it is known.

/** At most `max` items, as ECS bounds its batch calls ("taskIds can have at most 100 items."). */
export function checkMaxItems(items: readonly unknown[] | undefined, max: number, name: string): void {
  if (items && items.length > max) throw invalidParameter(`${name} can have at most ${max} items.`);
}

/** ECS's length check ("startedBy longer than 36."). */
export function checkMaxLength(value: string | undefined, max: number, name: string): void {
  if (value !== undefined && value.length > max) throw invalidParameter(`${name} longer than ${max}.`);
}

/** A required list that must not be empty. */
export function nonEmpty<T>(items: T[] | undefined, message: string): T[] {
  if (!items || items.length === 0) throw invalidParameter(message);
  return items;
}

/** `maxResults` for List calls: 1 to 100, default 100. */
export function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw invalidParameter('maxResults must be between 1 and 100.');
  }
  return maxResults;
}

/** The ARN to report in `failures[]` for an id that was not found. */
export function failureArn(idOrArn: string, arnOf: (id: string) => string): string {
  return idOrArn.startsWith('arn:') ? idOrArn : arnOf(idOrArn);
}
