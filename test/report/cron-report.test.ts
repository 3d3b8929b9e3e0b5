import { describe, expect, it } from 'vitest';
import { reportOverdue, reportRejected, reportSlot, type CronOverdueOutcome, type CronRejection, type CronSlotOutcome } from '../../shared/report/cron-report.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { CLUSTER_ARN, failedSlot, placement, skippedSlot, startedSlot } from '../support/outcomes.js';
import { CapturingMetrics, silentLogger } from '../support/telemetry.js';

/**
 * The cron result events as users receive them: each built by the real report from an outcome
 * with every field set, and its detail compared whole (toStrictEqual: no field more, none less,
 * none undefined where a value is due). Detail types and field names are written out here as
 * literals on purpose: they are the wire contract that rules and alarms match on.
 */

function sinks() {
  return { logger: silentLogger(), metrics: new CapturingMetrics(), publisher: new MemoryPublisher() };
}

async function slotReport(outcome: CronSlotOutcome) {
  const s = sinks();
  await reportSlot(outcome, s);
  return { events: s.publisher.events, metrics: s.metrics };
}

const SLOT_FIELDS = {
  rule: 'nightly-report',
  cluster: CLUSTER_ARN,
  slot: '2026-01-01T02:00:00.000Z',
  trigger: 'schedule',
  startedBy: 'cron/nightly-report/1767232800',
  count: 2,
};
/** The Replace stop as events show it: its awaitsReplacement flag is the daemon's business and stays out. */
const REPLACED = [{ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/old', reason: 'overlap policy Replace: a new slot is due' }];
const PLACEMENT_A = {
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/a',
  containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci-a',
  ec2InstanceId: 'i-a',
  lastStatus: 'PENDING',
};
const PLACEMENT_B = { ...PLACEMENT_A, taskArn: PLACEMENT_A.taskArn.replace(/a$/, 'b'), containerInstanceArn: PLACEMENT_A.containerInstanceArn.replace(/a$/, 'b'), ec2InstanceId: 'i-b' };

describe('Cron Run Started', () => {
  it('names the slot, every copy with where it runs, and what it took', async () => {
    const { events } = await slotReport(startedSlot());
    expect(events).toStrictEqual([
      {
        detailType: 'Cron Run Started',
        detail: { ...SLOT_FIELDS, placements: [PLACEMENT_A, PLACEMENT_B], startedNow: 2, attempts: 2, replaced: REPLACED, extrasStopped: [], conflicts: 1 },
        resources: [CLUSTER_ARN, PLACEMENT_A.taskArn, PLACEMENT_B.taskArn],
      },
    ]);
  });
});

describe('Cron Slot Skipped', () => {
  it('says why, in a reason to match on and in words, with the copies that exist', async () => {
    const { events } = await slotReport({ ...skippedSlot(), reason: 'slot-complete', detail: 'the slot already has its 2 copies', copies: [placement('a')] });
    expect(events).toStrictEqual([
      {
        detailType: 'Cron Slot Skipped',
        detail: { ...SLOT_FIELDS, reason: 'slot-complete', detail: 'the slot already has its 2 copies', copies: [PLACEMENT_A], replaced: REPLACED, extrasStopped: [] },
        resources: [CLUSTER_ARN, PLACEMENT_A.taskArn],
      },
    ]);
  });
});

describe('Cron Slot Failed', () => {
  const FAILED_DETAIL = {
    ...SLOT_FIELDS,
    missing: 1,
    deadline: '2026-01-01T02:05:00.000Z',
    attempts: 2,
    reasons: ['1 copy fit nowhere: 3 instances lack CPU', 'the starting deadline passed'],
    rejections: { 'RESOURCE:CPU': 3 },
    failures: [{ action: 'start', target: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci-c', startedBy: 'cron/nightly-report/1767232800', reason: 'RESOURCE:CPU' }],
    placements: [PLACEMENT_A],
    replaced: REPLACED,
    extrasStopped: [],
  };

  it('a partial run: the copies that started get their Cron Run Started, then the failure says what is missing and why', async () => {
    const { events } = await slotReport(failedSlot());
    expect(events).toStrictEqual([
      {
        detailType: 'Cron Run Started',
        detail: { ...SLOT_FIELDS, placements: [PLACEMENT_A], startedNow: 1, attempts: 2, replaced: REPLACED, extrasStopped: [], conflicts: 1 },
        resources: [CLUSTER_ARN, PLACEMENT_A.taskArn],
      },
      { detailType: 'Cron Slot Failed', detail: FAILED_DETAIL, resources: [CLUSTER_ARN, PLACEMENT_A.taskArn] },
    ]);
  });

  it('nothing started: the failure alone', async () => {
    const { events } = await slotReport({ ...failedSlot(), copies: [], startedNow: 0, missing: 2 });
    expect(events).toStrictEqual([{ detailType: 'Cron Slot Failed', detail: { ...FAILED_DETAIL, missing: 2, placements: [] }, resources: [CLUSTER_ARN] }]);
  });
});

describe('the slot metrics the dashboard and the SlotsFailed alarm read', () => {
  it.each([
    ['started', startedSlot(), { RunsStarted: 1, CopiesStarted: 2, SlotsSkipped: 0, SlotsFailed: 0 }],
    ['skipped', skippedSlot(), { RunsStarted: 0, CopiesStarted: 0, SlotsSkipped: 1, SlotsFailed: 0 }],
    ['failed', failedSlot(), { RunsStarted: 1, CopiesStarted: 1, SlotsSkipped: 0, SlotsFailed: 1 }],
  ])('%s', async (_, outcome, counts) => {
    const { metrics } = await slotReport(outcome);
    expect(metrics.published).toHaveLength(1);
    expect(metrics.published[0]).toMatchObject({ Rule: 'nightly-report', Kind: 'cron', ...counts, ExtraCopiesStopped: 0, Conflicts: 1, EcsThrottles: 3 });
    expect(metrics.lastNames()).toEqual(['RunsStarted', 'CopiesStarted', 'SlotsSkipped', 'SlotsFailed', 'ExtraCopiesStopped', 'Conflicts', 'EcsThrottles']);
    expect(metrics.lastDimensions()).toEqual(['service', 'Rule', 'Kind']);
  });
});

describe('Cron Run Stopped', () => {
  const outcome: CronOverdueOutcome = {
    rule: 'nightly-report',
    clusterArn: CLUSTER_ARN,
    maxRunSeconds: 3600,
    stopped: [
      {
        taskArn: PLACEMENT_A.taskArn,
        slot: '2026-01-01T02:00:00.000Z',
        containerInstanceArn: PLACEMENT_A.containerInstanceArn,
        ec2InstanceId: 'i-a',
        runningSeconds: 3700,
        reason: 'cron nightly-report: ran 3700 s, past maxRunSeconds 3600',
      },
    ],
    failed: [],
    apiCalls: 4,
    throttles: 0,
  };

  it('one per run the max-run-time pass ended, with how long it ran', async () => {
    const s = sinks();
    await reportOverdue(outcome, s);
    expect(s.publisher.events).toStrictEqual([
      {
        detailType: 'Cron Run Stopped',
        detail: {
          rule: 'nightly-report',
          cluster: CLUSTER_ARN,
          maxRunSeconds: 3600,
          taskArn: PLACEMENT_A.taskArn,
          slot: '2026-01-01T02:00:00.000Z',
          containerInstanceArn: PLACEMENT_A.containerInstanceArn,
          ec2InstanceId: 'i-a',
          runningSeconds: 3700,
          reason: 'cron nightly-report: ran 3700 s, past maxRunSeconds 3600',
        },
        resources: [CLUSTER_ARN, PLACEMENT_A.taskArn],
      },
    ]);
    expect(s.metrics.lastNames()).toEqual(['OverdueStopped', 'EcsThrottles']);
    expect(s.metrics.published[0]).toMatchObject({ Rule: 'nightly-report', Kind: 'cron', OverdueStopped: 1 });
  });
});

describe('Cron Message Rejected', () => {
  const rejection: CronRejection = { rule: 'nightly-report', messageId: 'm-1', problem: 'slot is not a date', body: '{"kind":"slot","slot":"soon"}' };

  async function rejected(r: CronRejection) {
    const s = sinks();
    await reportRejected(r, s);
    return { events: s.publisher.events, metrics: s.metrics };
  }

  it('carries the whole body and the problem; no resources', async () => {
    const { events, metrics } = await rejected(rejection);
    expect(events).toStrictEqual([
      { detailType: 'Cron Message Rejected', detail: { rule: 'nightly-report', messageId: 'm-1', problem: 'slot is not a date', body: '{"kind":"slot","slot":"soon"}' } },
    ]);
    expect(metrics.lastNames()).toEqual(['MessagesRejected']);
    expect(metrics.published.at(-1)).toMatchObject({ Rule: 'nightly-report', Kind: 'cron', MessagesRejected: 1 });
  });

  it('leaves rule out when the message names none (the metric says Rule=unknown)', async () => {
    const { events, metrics } = await rejected({ ...rejection, rule: undefined });
    expect(events).toStrictEqual([{ detailType: 'Cron Message Rejected', detail: { messageId: 'm-1', problem: 'slot is not a date', body: '{"kind":"slot","slot":"soon"}' } }]);
    expect(metrics.published.at(-1)).toMatchObject({ Rule: 'unknown' });
  });

  it('cuts a body too large for an event, and says so and how large it was', async () => {
    const body = 'é'.repeat(150_000);
    const { events } = await rejected({ ...rejection, body });
    expect(events).toStrictEqual([
      {
        detailType: 'Cron Message Rejected',
        detail: { rule: 'nightly-report', messageId: 'm-1', problem: 'slot is not a date', body: 'é'.repeat(60_000), bodyTruncated: true, bodyBytes: 300_000 },
      },
    ]);
  });
});
