/**
 * The run ledger's table layout, one source for the stack (which creates the table) and for local
 * mode and the tests (which create it in a local DynamoDB-protocol server).
 *
 * One item per (rule, slot): the partition is the rule, the sort key the slot's ISO-8601 time, so
 * a rule's history is one Query, newest first. A sparse index holds only the slots waiting for a
 * retry (the attributes are removed once the retry begins), so the retry pass reads just those.
 */
export const LEDGER_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes the item some time after. Readers treat it as gone at once. */
  timeToLiveAttribute: 'expiresAt',
  retryIndex: { name: 'retries', partitionKey: 'retryRule', sortKey: 'retryAt' },
} as const;

/** How long a slot's record is kept, by default: long enough for a quarter's history. */
export const DEFAULT_RETENTION_DAYS = 90;
