import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { currentAttempt, SLOT_STATE, type AttemptRecord, type SlotRecord } from './slot-record.js';
import { DEFAULT_RETENTION_DAYS, LEDGER_TABLE } from './table.js';

/** The record layout this code reads and writes. A record of another version is refused by name, never guessed at. */
export const LEDGER_SCHEMA_VERSION = 1;

/** A ledger read or write that failed for a reason a person must look at; names the rule and slot. */
export class LedgerError extends Error {
  override readonly name: string = 'LedgerError';
  constructor(
    message: string,
    readonly rule: string,
    readonly slot: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A record written by another version of the scheduler: it is never guessed at, and the message that met it can never succeed. */
export class LedgerSchemaError extends LedgerError {
  override readonly name = 'LedgerSchemaError';
}

/** A write refused because another writer moved the record on since it was read; `current` is what is there now. */
export class LedgerConflictError extends LedgerError {
  override readonly name = 'LedgerConflictError';
  constructor(
    readonly current: SlotRecord | undefined,
    rule: string,
    slot: string,
  ) {
    super(`the ledger record of rule ${rule}, slot ${slot}, was changed by another invocation`, rule, slot);
  }
}

export type ClaimResult = { claimed: true; record: SlotRecord } | { claimed: false; record: SlotRecord };

export interface RunLedgerOptions {
  /** How long a record is kept (DynamoDB's TTL). Default 90 days. */
  retentionDays?: number;
  /** The clock, to treat records past their expiry as gone before TTL deletes them. */
  now?: () => Date;
}

/**
 * The durable run ledger: one DynamoDB item per (rule, slot). Every write is conditional, so two
 * invocations of one slot can never both believe they own it: a claim succeeds only where no
 * record is, and an update only on the revision it read.
 */
export class RunLedger {
  private readonly retentionSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly dynamo: DynamoDBClient,
    readonly tableName: string,
    options: RunLedgerOptions = {},
  ) {
    this.retentionSeconds = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Writes the slot's first record unless one is already there (an expired one counts as gone).
   * The loser of a race, or a redelivery, gets the record that is there instead.
   */
  async claim(record: SlotRecord): Promise<ClaimResult> {
    const fresh = { ...record, revision: 1 };
    try {
      await this.send(record, () =>
        this.dynamo.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: this.toItem(fresh),
            ConditionExpression: 'attribute_not_exists(#pk) OR #expires < :now',
            ExpressionAttributeNames: { '#pk': LEDGER_TABLE.partitionKey, '#expires': LEDGER_TABLE.timeToLiveAttribute },
            ExpressionAttributeValues: { ':now': { N: String(this.epochSeconds()) } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { claimed: true, record: fresh };
    } catch (error) {
      if (!(error instanceof LedgerConflictError)) throw error;
      const current = error.current ?? (await this.get(record.rule, new Date(record.slot)));
      if (!current) throw new LedgerError(`the ledger refused the claim of rule ${record.rule}, slot ${record.slot}, yet holds no record of it`, record.rule, record.slot);
      return { claimed: false, record: current };
    }
  }

  /**
   * Replaces the record with `record`, provided the stored one is still at `record.revision`;
   * returns what was written (revision + 1). Throws LedgerConflictError, with the stored record,
   * when another writer got there first.
   */
  async update(record: SlotRecord): Promise<SlotRecord> {
    const next = { ...record, revision: record.revision + 1 };
    await this.send(record, () =>
      this.dynamo.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.toItem(next),
          ConditionExpression: '#revision = :revision',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':revision': { N: String(record.revision) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    ).catch(async (error: unknown) => {
      // A server that does not return the refusing item (ALL_OLD) costs one consistent read.
      if (error instanceof LedgerConflictError && error.current === undefined) {
        throw new LedgerConflictError(await this.get(record.rule, new Date(record.slot)), record.rule, record.slot);
      }
      throw error;
    });
    return next;
  }

  /** The slot's record, read strongly consistent; undefined if there is none (or it has expired). */
  async get(rule: string, slot: Date): Promise<SlotRecord | undefined> {
    const { Item } = await this.send({ rule, slot: slot.toISOString() }, () =>
      this.dynamo.send(new GetItemCommand({ TableName: this.tableName, Key: this.key(rule, slot.toISOString()), ConsistentRead: true })),
    );
    return Item ? this.fromItem(Item) : undefined;
  }

  /** The rule's last `limit` slots, newest first. */
  async history(rule: string, limit: number): Promise<SlotRecord[]> {
    const records: SlotRecord[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.send({ rule, slot: '*' }, () =>
        this.dynamo.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': LEDGER_TABLE.partitionKey },
            ExpressionAttributeValues: { ':pk': { S: partitionOf(rule) } },
            ScanIndexForward: false,
            Limit: limit - records.length,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const record = this.fromItem(item);
        if (record) records.push(record);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && records.length < limit);
    return records;
  }

  /**
   * Slots of the rule waiting for a retry whose time has come, and slots whose retry was claimed
   * but not run (its invocation may have died), from the sparse retry index. The index is
   * eventually consistent: each is read again, consistently, before it is acted on.
   */
  async retriesDue(rule: string, now: Date): Promise<SlotRecord[]> {
    const { partitionKey, sortKey, name } = LEDGER_TABLE.retryIndex;
    const due: SlotRecord[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.send({ rule, slot: '*' }, () =>
        this.dynamo.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: name,
            KeyConditionExpression: '#rule = :rule AND #at <= :now',
            ExpressionAttributeNames: { '#rule': partitionKey, '#at': sortKey },
            ExpressionAttributeValues: { ':rule': { S: partitionOf(rule) }, ':now': { S: now.toISOString() } },
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const slot = item[LEDGER_TABLE.sortKey]?.S;
        const record = slot === undefined ? undefined : await this.get(rule, new Date(slot));
        if (record && (record.state === SLOT_STATE.Retrying || claimedRetry(record))) due.push(record);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return due;
  }

  private key(rule: string, slot: string): Record<string, AttributeValue> {
    return { [LEDGER_TABLE.partitionKey]: { S: partitionOf(rule) }, [LEDGER_TABLE.sortKey]: { S: slot } };
  }

  private toItem(record: SlotRecord): Record<string, AttributeValue> {
    const expiresAt = Math.floor(new Date(record.slot).getTime() / 1000) + this.retentionSeconds;
    // Only a slot waiting for a retry, or whose retry is claimed and not yet run, carries the index's
    // partition key: the index stays sparse. A claimed retry is indexed at its due time.
    const claimed = claimedRetry(record);
    const retry =
      record.state === SLOT_STATE.Retrying
        ? { [LEDGER_TABLE.retryIndex.partitionKey]: partitionOf(record.rule) }
        : claimed?.dueAt
          ? { [LEDGER_TABLE.retryIndex.partitionKey]: partitionOf(record.rule), [LEDGER_TABLE.retryIndex.sortKey]: claimed.dueAt }
          : {};
    return {
      ...this.key(record.rule, record.slot),
      ...marshall({ ...record, ...retry, schemaVersion: LEDGER_SCHEMA_VERSION, [LEDGER_TABLE.timeToLiveAttribute]: expiresAt }, { removeUndefinedValues: true }),
    };
  }

  private fromItem(item: Record<string, AttributeValue>): SlotRecord | undefined {
    const raw = unmarshall(item) as Record<string, unknown>;
    const rule = String(raw.rule);
    const slot = String(raw.slot);
    if (raw.schemaVersion !== LEDGER_SCHEMA_VERSION) {
      throw new LedgerSchemaError(
        `the ledger record of rule ${rule}, slot ${slot}, has schema version ${String(raw.schemaVersion)}; this version of the scheduler reads version ${LEDGER_SCHEMA_VERSION}`,
        rule,
        slot,
      );
    }
    if (Number(raw[LEDGER_TABLE.timeToLiveAttribute]) < this.epochSeconds()) return undefined;
    const { [LEDGER_TABLE.partitionKey]: _pk, [LEDGER_TABLE.sortKey]: _sk, schemaVersion: _v, [LEDGER_TABLE.timeToLiveAttribute]: _ttl, ...rest } = raw;
    const { [LEDGER_TABLE.retryIndex.partitionKey]: _retryRule, ...record } = rest;
    // The index's due time is the record's retryAt only while it waits for its retry.
    if (record.state !== SLOT_STATE.Retrying) delete record[LEDGER_TABLE.retryIndex.sortKey];
    return record as unknown as SlotRecord;
  }

  /** Sends one request; a refused condition becomes LedgerConflictError, anything else a LedgerError naming the slot. */
  private async send<T>(at: { rule: string; slot: string }, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const item = error.Item as Record<string, AttributeValue> | undefined;
        throw new LedgerConflictError(item ? this.fromItem(item) : undefined, at.rule, at.slot);
      }
      if (error instanceof LedgerError) throw error;
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new LedgerError(`the run ledger (table ${this.tableName}) failed for rule ${at.rule}, slot ${at.slot}: ${why}`, at.rule, at.slot, { cause: error });
    }
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}

/** The attempt of a record claimed for a retry (attempt 2 on) and not yet run, if it is one. */
export function claimedRetry(record: SlotRecord): AttemptRecord | undefined {
  const attempt = currentAttempt(record);
  return record.state === SLOT_STATE.Claimed && attempt !== undefined && attempt.number > 1 ? attempt : undefined;
}

/**
 * The rule's partition, also the retry index's: each function's IAM policy limits it to items
 * whose partition key is its own rule's (dynamodb:LeadingKeys), on the table and the index alike.
 */
export function partitionOf(rule: string): string {
  return `cron#${rule}`;
}
