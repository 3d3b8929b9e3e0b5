import { invalidParameter } from '../errors.js';
import { pageSize } from './input.js';

interface Sequenced {
  readonly seq: number;
}

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * One page of `items` (sorted by creation sequence) that pass `matches`. The token remembers the
 * last item returned, not a position, so items that change status between pages neither repeat
 * nor get skipped; `scope` ties a token to the list it came from.
 */
export function paginate<T extends Sequenced>(items: readonly T[], matches: (item: T) => boolean, request: PageRequest, scope: string): Page<T> {
  const limit = pageSize(request.maxResults);
  const after = request.nextToken === undefined ? 0 : readToken(request.nextToken, scope);
  const page: T[] = [];
  for (let index = firstAfter(items, after); index < items.length; index++) {
    const item = items[index] as T;
    if (!matches(item)) continue;
    // A further match means another page; say so only then, so the last page carries no token.
    if (page.length === limit) return { items: page, nextToken: writeToken(scope, (page[limit - 1] as T).seq) };
    page.push(item);
  }
  return { items: page };
}

function firstAfter(items: readonly Sequenced[], seq: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle] as Sequenced).seq <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

function writeToken(scope: string, after: number): string {
  return Buffer.from(JSON.stringify({ scope, after })).toString('base64url');
}

function readToken(token: string, scope: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { scope?: unknown; after?: unknown };
    if (parsed.scope === scope && Number.isInteger(parsed.after)) return parsed.after as number;
  } catch {
    // Not ours: reported below like any other token that does not belong to this list.
  }
  throw invalidParameter('Invalid nextToken: it does not come from this list.');
}
