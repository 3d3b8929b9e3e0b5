import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { LedgerConflictError, LedgerError, RunLedger } from '../../shared/ledger/run-ledger.js';
import { SLOT_STATE, type SlotRecord } from '../../shared/ledger/slot-record.js';

let local: LocalLedger;
const clock = new Date('2026-03-01T02:00:00Z');
beforeAll(async () => {
  local = await startLocalLedger({ now: () => clock });
});
afterAll(() => local?.close());

function claimOf(rule: string, slot: string, overrides: Partial<SlotRecord> = {}): SlotRecord {
  return {
    rule,
    slot,
    trigger: 'schedule',
    state: SLOT_STATE.Claimed,
    count: 1,
    attempts: [{ number: 1, startedBy: `cron/${rule}/x`, copies: [] }],
    claimedAt: slot,
    updatedAt: slot,
    revision: 0,
    ...overrides,
  };
}

describe('the run ledger on a DynamoDB-protocol server', () => {
  it('claims a slot once: the second claim gets the first record back', async () => {
    const first = await local.ledger.claim(claimOf('claims', '2026-03-01T02:00:00.000Z'));
    expect(first).toMatchObject({ claimed: true, record: { revision: 1, state: 'Claimed' } });
    const second = await local.ledger.claim(claimOf('claims', '2026-03-01T02:00:00.000Z', { trigger: 'manual' }));
    expect(second.claimed).toBe(false);
    expect(second.record).toMatchObject({ rule: 'claims', trigger: 'schedule', revision: 1 });
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => local.ledger.claim(claimOf('race', '2026-03-01T02:00:00.000Z'))));
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
  });

  it('refuses an update from a stale revision and hands back the current record', async () => {
    const { record } = await local.ledger.claim(claimOf('updates', '2026-03-01T02:00:00.000Z'));
    const running = await local.ledger.update({ ...record, state: SLOT_STATE.Running });
    expect(running.revision).toBe(2);
    const stale = local.ledger.update({ ...record, state: SLOT_STATE.Failed });
    await expect(stale).rejects.toBeInstanceOf(LedgerConflictError);
    await expect(stale).rejects.toMatchObject({ current: { state: 'Running', revision: 2 } });
    expect(await local.ledger.get('updates', new Date('2026-03-01T02:00:00Z'))).toMatchObject({ state: 'Running' });
  });

  it('lists a rule\'s history newest first, across pages', async () => {
    for (let hour = 0; hour < 5; hour++) {
      await local.ledger.claim(claimOf('history', `2026-03-01T0${hour}:00:00.000Z`));
    }
    const slots = (await local.ledger.history('history', 3)).map((record) => record.slot);
    expect(slots).toEqual(['2026-03-01T04:00:00.000Z', '2026-03-01T03:00:00.000Z', '2026-03-01T02:00:00.000Z']);
    expect(await local.ledger.history('nobody', 3)).toEqual([]);
  });

  it('finds the slots whose retry is due, and only those', async () => {
    const due = await local.ledger.claim(claimOf('retries', '2026-03-01T01:00:00.000Z'));
    await local.ledger.update({ ...due.record, state: SLOT_STATE.Retrying, retryAt: '2026-03-01T01:59:00.000Z' });
    const later = await local.ledger.claim(claimOf('retries', '2026-03-01T01:30:00.000Z'));
    await local.ledger.update({ ...later.record, state: SLOT_STATE.Retrying, retryAt: '2026-03-01T02:10:00.000Z' });
    const begun = await local.ledger.claim(claimOf('retries', '2026-03-01T00:30:00.000Z'));
    const retrying = await local.ledger.update({ ...begun.record, state: SLOT_STATE.Retrying, retryAt: '2026-03-01T01:00:00.000Z' });
    await local.ledger.update({ ...retrying, state: SLOT_STATE.Running });

    const found = await local.ledger.retriesDue('retries', clock);
    expect(found.map((record) => record.slot)).toEqual(['2026-03-01T01:00:00.000Z']);
  });

  it('treats a record past its retention as gone, and lets the slot be claimed again', async () => {
    const ledger = new RunLedger(local.dynamo, local.tableName, { retentionDays: 1, now: () => clock });
    await ledger.claim(claimOf('expiry', '2026-02-01T00:00:00.000Z'));
    expect(await ledger.get('expiry', new Date('2026-02-01T00:00:00Z'))).toBeUndefined();
    expect((await ledger.claim(claimOf('expiry', '2026-02-01T00:00:00.000Z'))).claimed).toBe(true);
  });

  it('refuses a record of another schema version by rule and slot', async () => {
    await local.dynamo.send(
      new PutItemCommand({
        TableName: local.tableName,
        Item: { pk: { S: 'cron#old' }, sk: { S: '2026-03-01T02:00:00.000Z' }, rule: { S: 'old' }, slot: { S: '2026-03-01T02:00:00.000Z' }, schemaVersion: { N: '0' } },
      }),
    );
    const read = local.ledger.get('old', new Date('2026-03-01T02:00:00Z'));
    await expect(read).rejects.toBeInstanceOf(LedgerError);
    await expect(read).rejects.toThrow(/rule old, slot 2026-03-01T02:00:00.000Z, has schema version 0; .* reads version 1/);
  });

  it('names the table, rule and slot when the table cannot be reached', async () => {
    const missing = new RunLedger(local.dynamo, 'no-such-table');
    await expect(missing.get('nightly', new Date('2026-03-01T02:00:00Z'))).rejects.toThrow(
      /run ledger \(table no-such-table\) failed for rule nightly, slot 2026-03-01T02:00:00.000Z: ResourceNotFoundException/,
    );
  });
});
