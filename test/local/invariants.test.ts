import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { slotEvents } from '../../shared/report/cron-report.js';
import { cronSlotKey, type CronRule } from '../../shared/rules/cron/rule.js';
import type { DaemonRule } from '../../shared/rules/daemon/rule.js';
import { duplicateCopies, slotProblems, uncovered } from '../../local/invariants.js';
import { skippedSlot, startedSlot } from '../support/outcomes.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
  emulator.admin.createCluster('c');
  emulator.admin.registerTaskDefinition({ family: 'd', containerDefinitions: [{ name: 'd', image: 'd', cpu: 10, memory: 10 }] });
});
afterAll(() => emulator.close());

describe('the local invariants catch what they are for', () => {
  const daemon: DaemonRule = { name: 'd', cluster: 'c', taskDefinition: 'd', constraint: 'attribute:stack == prod' };

  it('a duplicate daemon copy, and an eligible instance without one', async () => {
    const twice = emulator.admin.registerInstance({ cluster: 'c', cpu: 1024, memory: 1024, attributes: { stack: 'prod' } });
    const none = emulator.admin.registerInstance({ cluster: 'c', cpu: 1024, memory: 1024, attributes: { stack: 'prod' } });
    emulator.admin.registerInstance({ cluster: 'c', cpu: 1024, memory: 1024, attributes: { stack: 'staging' } });
    for (let i = 0; i < 2; i += 1) emulator.admin.occupy(twice, { cpu: 10, memory: 10, family: 'd', startedBy: 'daemon/d' });
    await emulator.admin.settle();
    expect(duplicateCopies(emulator, 'c', daemon)).toEqual([twice]);
    expect(uncovered(emulator, 'c', daemon).sort()).toEqual([twice, none].sort());
  });

  it('a slot run twice, a slot missed, and a slot skipped for its policy (fine)', () => {
    const rule: CronRule = { name: 'job', cluster: 'c', taskDefinition: 'd', schedule: 'rate(1 hour)' };
    const [doubled, missed, forbidden] = [1, 2, 3].map((h) => new Date(Date.UTC(2026, 0, 1, h)));
    const instance = emulator.admin.registerInstance({ cluster: 'c', cpu: 1024, memory: 1024 });
    for (let i = 0; i < 2; i += 1) emulator.admin.occupy(instance, { cpu: 10, memory: 10, family: 'd', startedBy: cronSlotKey(rule, doubled!) });
    const events = [...slotEvents({ ...startedSlot('job', doubled!), count: 1 }), ...slotEvents(skippedSlot('job', forbidden!))];
    expect(slotProblems(emulator, 'c', rule, [doubled!, missed!, forbidden!], events)).toEqual([
      `cron job: slot ${doubled!.toISOString()} started 2 copies, not 1`,
      `cron job: slot ${doubled!.toISOString()} was missed (Cron Run Started)`,
      `cron job: slot ${missed!.toISOString()} was missed (no outcome)`,
    ]);
  });
});
