import type { CronSlotOutcome } from '../../shared/report/cron-report.js';
import type { Placement } from '../../shared/report/result-events.js';

/** Cron slot outcomes as the handler hands them to the report, with every field set. */

type Outcome<S extends CronSlotOutcome['status']> = Extract<CronSlotOutcome, { status: S }>;

export const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';
export const SLOT = new Date('2026-01-01T02:00:00.000Z');

export function placement(id: string): Placement {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
    containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci-${id}`,
    ec2InstanceId: `i-${id}`,
    lastStatus: 'PENDING',
  };
}

function base(rule: string, slot: Date) {
  return {
    rule,
    clusterArn: CLUSTER_ARN,
    slot,
    trigger: 'schedule' as const,
    startedBy: `cron/${rule}/${slot.getTime() / 1000}`,
    count: 2,
    deadline: new Date(slot.getTime() + 5 * 60_000),
    attempts: 2,
    replaced: [{ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/old', reason: 'overlap policy Replace: a new slot is due', awaitsReplacement: true }],
    extrasStopped: [],
    conflicts: 1,
    apiCalls: 9,
    throttles: 3,
  };
}

export function startedSlot(rule = 'nightly-report', slot = SLOT): Outcome<'started'> {
  return { ...base(rule, slot), status: 'started', copies: [placement('a'), placement('b')], startedNow: 2 };
}

export function skippedSlot(rule = 'nightly-report', slot = SLOT): Outcome<'skipped'> {
  return { ...base(rule, slot), status: 'skipped', reason: 'overlap-forbidden', detail: 'the run of an earlier slot is still going', copies: [] };
}

/** A slot that started one of its two copies before retrying stopped. */
export function failedSlot(rule = 'nightly-report', slot = SLOT): Outcome<'failed'> {
  return {
    ...base(rule, slot),
    status: 'failed',
    copies: [placement('a')],
    startedNow: 1,
    missing: 1,
    reasons: ['1 copy fit nowhere: 3 instances lack CPU', 'the starting deadline passed'],
    rejections: { 'RESOURCE:CPU': 3 },
    failures: [{ action: 'start', target: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci-c', startedBy: `cron/${rule}/${slot.getTime() / 1000}`, reason: 'RESOURCE:CPU' }],
  };
}
