import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { FailedAction, StoppedTask } from '../ecs/apply.js';
import type { RejectionReason } from '../placement/types.js';
import type { SkipReason } from '../rules/cron/plan-slot.js';
import type { EventPublisher } from './publisher.js';
import type { OverdueStop, Placement, ResultEventOf, SlotFields } from './result-events.js';
import { DetailType, MetricName, ruleDimensions } from './vocabulary.js';

interface SlotBase {
  rule: string;
  clusterArn: string;
  slot: Date;
  /** 'schedule' for EventBridge Scheduler's slots, 'manual' for a run-now. */
  trigger: 'schedule' | 'manual';
  /** The startedBy of the slot's copies. */
  startedBy: string;
  count: number;
  /** The last instant a copy may start (also where capacity retries end). */
  deadline: Date;
  /** Plans tried: 1, plus one per capacity retry. */
  attempts: number;
  /** Runs of earlier slots stopped by the Replace overlap policy. */
  replaced: StoppedTask[];
  /** The slot's own copies above `count` (a race let them in), stopped newest first. */
  extrasStopped: StoppedTask[];
  conflicts: number;
  apiCalls: number;
  throttles: number;
}

/**
 * How one slot ended, for this invocation:
 * - started: this invocation brought the slot to `count` copies (`copies` lists them all);
 * - skipped: nothing was started, for `reason` (slot-complete lists the copies that exist);
 * - failed: the slot still lacks copies and retrying is over (deadline, function time,
 *   retryOnCapacity false, or an error ECS will repeat); `copies` lists those that did start.
 */
export type CronSlotOutcome =
  | (SlotBase & { status: 'started'; copies: Placement[]; startedNow: number })
  | (SlotBase & { status: 'skipped'; reason: SkipReason; detail: string; copies: Placement[] })
  | (SlotBase & {
      status: 'failed';
      copies: Placement[];
      startedNow: number;
      missing: number;
      /** Why, in words: what did not fit, what ECS refused, and why retrying stopped. */
      reasons: string[];
      /** Instances the placer turned down on the last attempt, per reason. */
      rejections: Partial<Record<RejectionReason, number>>;
      /** ECS's refusals and errors on the last attempt. */
      failures: FailedAction[];
    });

export interface CronOverdueOutcome {
  rule: string;
  clusterArn: string;
  maxRunSeconds: number | undefined;
  stopped: OverdueStop[];
  failed: FailedAction[];
  apiCalls: number;
  throttles: number;
}

/** A queue message that can never succeed (see CronMessageError), rejected and deleted. */
export interface CronRejection {
  /** The rule the message belongs to, when known; the metric then says Rule=unknown. */
  rule: string | undefined;
  messageId: string;
  /** What is wrong with it, in words. */
  problem: string;
  /** The message as received, whole: deleting it must lose nothing. */
  body: string;
}

type Sinks = { logger: Logger; metrics: Metrics; publisher: EventPublisher };

/**
 * One slot's outcome three ways: a log line, EMF metrics (dimensions Rule and Kind=cron) and
 * EventBridge events, so that "did last night's job run, where, and why not" has an answer:
 * 'Cron Run Started' (with placements), 'Cron Slot Skipped' (reason and detail), 'Cron Slot Failed'
 * (reasons and rejections; a partial run also has its 'Cron Run Started'). Publishing errors
 * propagate: the message is then retried, and the retry reports what it finds.
 */
export async function reportSlot(outcome: CronSlotOutcome, sinks: Sinks): Promise<void> {
  const fields = {
    ...slotFields(outcome),
    attempts: outcome.attempts,
    copies: outcome.copies,
    replaced: outcome.replaced.length,
    extrasStopped: outcome.extrasStopped,
    conflicts: outcome.conflicts,
    apiCalls: outcome.apiCalls,
    throttles: outcome.throttles,
  };
  switch (outcome.status) {
    case 'started':
      sinks.logger.info('cron run started', { ...fields, startedNow: outcome.startedNow });
      break;
    case 'skipped': {
      // A skip nobody asked for (too late, no capacity) is worth a warning; the others are the rule working.
      const unwanted = outcome.reason === 'too-late' || outcome.reason === 'no-capacity';
      sinks.logger[unwanted ? 'warn' : 'info']('cron slot skipped', { ...fields, reason: outcome.reason, detail: outcome.detail });
      break;
    }
    case 'failed':
      sinks.logger.error('cron run failed', {
        ...fields,
        startedNow: outcome.startedNow,
        missing: outcome.missing,
        reasons: outcome.reasons,
        rejections: outcome.rejections,
        failures: outcome.failures,
      });
      break;
  }

  if (outcome.extrasStopped.length > 0) {
    sinks.logger.warn('cron slot had copies above its count: the newest were stopped', { ...slotFields(outcome), extrasStopped: outcome.extrasStopped });
  }

  const { metrics } = sinks;
  metrics.addDimensions(ruleDimensions(outcome.rule, 'cron'));
  const startedNow = outcome.status === 'skipped' ? 0 : outcome.startedNow;
  metrics.addMetric(MetricName.RunsStarted, MetricUnit.Count, startedNow > 0 ? 1 : 0);
  metrics.addMetric(MetricName.CopiesStarted, MetricUnit.Count, startedNow);
  metrics.addMetric(MetricName.SlotsSkipped, MetricUnit.Count, outcome.status === 'skipped' ? 1 : 0);
  metrics.addMetric(MetricName.SlotsFailed, MetricUnit.Count, outcome.status === 'failed' ? 1 : 0);
  metrics.addMetric(MetricName.ExtraCopiesStopped, MetricUnit.Count, outcome.extrasStopped.length);
  metrics.addMetric(MetricName.Conflicts, MetricUnit.Count, outcome.conflicts);
  metrics.addMetric(MetricName.EcsThrottles, MetricUnit.Count, outcome.throttles);
  metrics.publishStoredMetrics();

  await sinks.publisher.publish(slotEvents(outcome));
}

/** What names a slot in its log line and in each of its events. */
function slotFields(outcome: CronSlotOutcome): SlotFields {
  return {
    rule: outcome.rule,
    cluster: outcome.clusterArn,
    slot: outcome.slot.toISOString(),
    trigger: outcome.trigger,
    startedBy: outcome.startedBy,
    count: outcome.count,
  };
}

type SlotEvent = ResultEventOf<typeof DetailType.CronSlotSkipped> | ResultEventOf<typeof DetailType.CronRunStarted> | ResultEventOf<typeof DetailType.CronSlotFailed>;

export function slotEvents(outcome: CronSlotOutcome): SlotEvent[] {
  const base = slotFields(outcome);
  const resources = [outcome.clusterArn, ...outcome.copies.map((c) => c.taskArn)];
  const replaced = outcome.replaced.map((r) => ({ taskArn: r.taskArn, reason: r.reason }));
  const extrasStopped = outcome.extrasStopped.map((r) => ({ taskArn: r.taskArn, reason: r.reason }));
  const events: SlotEvent[] = [];
  if (outcome.status === 'skipped') {
    events.push({
      detailType: DetailType.CronSlotSkipped,
      detail: { ...base, reason: outcome.reason, detail: outcome.detail, copies: outcome.copies, replaced, extrasStopped },
      resources,
    });
    return events;
  }
  if (outcome.startedNow > 0) {
    events.push({
      detailType: DetailType.CronRunStarted,
      detail: { ...base, placements: outcome.copies, startedNow: outcome.startedNow, attempts: outcome.attempts, replaced, extrasStopped, conflicts: outcome.conflicts },
      resources,
    });
  }
  if (outcome.status === 'failed') {
    events.push({
      detailType: DetailType.CronSlotFailed,
      detail: {
        ...base,
        missing: outcome.missing,
        deadline: outcome.deadline.toISOString(),
        attempts: outcome.attempts,
        reasons: outcome.reasons,
        rejections: outcome.rejections,
        failures: outcome.failures,
        placements: outcome.copies,
        replaced,
        extrasStopped,
      },
      resources,
    });
  }
  return events;
}

/** The periodic max-run-time pass: a log line, the OverdueStopped metric, one 'Cron Run Stopped' per run it ended. */
export async function reportOverdue(outcome: CronOverdueOutcome, sinks: Sinks): Promise<void> {
  const fields = {
    rule: outcome.rule,
    cluster: outcome.clusterArn,
    maxRunSeconds: outcome.maxRunSeconds,
    stopped: outcome.stopped,
    failed: outcome.failed,
    apiCalls: outcome.apiCalls,
    throttles: outcome.throttles,
  };
  if (outcome.failed.length > 0) sinks.logger.error('cron overdue pass could not stop every overdue run; the next pass tries again', fields);
  else if (outcome.stopped.length > 0) sinks.logger.info('cron overdue runs stopped', fields);
  else sinks.logger.debug('cron overdue pass found nothing to stop', fields);

  const { metrics } = sinks;
  metrics.addDimensions(ruleDimensions(outcome.rule, 'cron'));
  metrics.addMetric(MetricName.OverdueStopped, MetricUnit.Count, outcome.stopped.length);
  metrics.addMetric(MetricName.EcsThrottles, MetricUnit.Count, outcome.throttles);
  metrics.publishStoredMetrics();

  await sinks.publisher.publish(overdueEvents(outcome));
}

export function overdueEvents(outcome: CronOverdueOutcome): Array<ResultEventOf<typeof DetailType.CronRunStopped>> {
  return outcome.stopped.map((stop) => ({
    detailType: DetailType.CronRunStopped,
    detail: { rule: outcome.rule, cluster: outcome.clusterArn, maxRunSeconds: outcome.maxRunSeconds, ...stop },
    resources: [outcome.clusterArn, stop.taskArn],
  }));
}

/**
 * A message rejected for good, loudly, since it is then deleted: an error log line with the whole
 * body, the MessagesRejected metric (dimensions Rule, or 'unknown', and Kind=cron: alarm on it)
 * and a 'Cron Message Rejected' event with the body. The log line comes first, so the body is kept
 * even if publishing fails; that error propagates, and the message is then retried.
 */
export async function reportRejected(rejection: CronRejection, sinks: Sinks): Promise<void> {
  sinks.logger.error(`rejected a cron message that can never succeed: it is deleted, not retried (its body is in this line and in the ${DetailType.CronMessageRejected} event)`, {
    rule: rejection.rule,
    messageId: rejection.messageId,
    problem: rejection.problem,
    body: rejection.body,
  });
  const { metrics } = sinks;
  metrics.addDimensions(ruleDimensions(rejection.rule ?? 'unknown', 'cron'));
  metrics.addMetric(MetricName.MessagesRejected, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();

  await sinks.publisher.publish(rejectedEvents(rejection));
}

/** EventBridge takes at most 256 KB per event: a larger body is cut in the event (the log line has it whole). */
const MAX_EVENT_BODY_BYTES = 200_000;
/** At most 3 bytes of UTF-8 per UTF-16 unit: this many units always fit in MAX_EVENT_BODY_BYTES. */
const CUT_BODY_UNITS = 60_000;

export function rejectedEvents(rejection: CronRejection): Array<ResultEventOf<typeof DetailType.CronMessageRejected>> {
  const bytes = Buffer.byteLength(rejection.body, 'utf8');
  const body = bytes > MAX_EVENT_BODY_BYTES ? { body: rejection.body.slice(0, CUT_BODY_UNITS), bodyTruncated: true, bodyBytes: bytes } : { body: rejection.body };
  return [
    {
      detailType: DetailType.CronMessageRejected,
      detail: { ...(rejection.rule !== undefined && { rule: rejection.rule }), messageId: rejection.messageId, problem: rejection.problem, ...body },
    },
  ];
}
