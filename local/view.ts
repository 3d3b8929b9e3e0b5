import type { LogEntry } from '../cli/telemetry.js';
import type { ResultEvent } from '../shared/report/result-events.js';
import { DetailType } from '../shared/report/vocabulary.js';
import { zonedTime } from '../shared/schedule/index.js';

/** A cron rule's IANA zone by rule name (undefined for UTC): slots show in it beside UTC. */
export type ZoneOf = (rule: string | undefined) => string | undefined;

/** One readable line per result event, as the live view prints them (ARNs shortened to their id). */
export function describeEvent(event: ResultEvent, zoneOf: ZoneOf): string {
  return shortenArns(line(event, zoneOf));
}

function line(event: ResultEvent, zoneOf: ZoneOf): string {
  const slot = (at: string) => slotClock(at, zoneOf(event.detail.rule));
  switch (event.detailType) {
    case DetailType.DaemonReconciled: {
      const d = event.detail;
      const parts = [d.started.length > 0 ? `started ${d.started.length}` : '', ...d.stopped.map((s) => `stopped one: ${s.reason.replace(/^daemon [^:]+: /, '')}`)].filter(Boolean);
      return `daemon ${d.rule}: ${parts.join('; ') || 'no change'} (${d.reason}; ${d.coverage.available}/${d.coverage.desired} instances running a copy before this)`;
    }
    case DetailType.DaemonPlacementFailed:
      return `daemon ${event.detail.rule}: cannot place on ${event.detail.instances.map((i) => `${i.ec2InstanceId ?? i.containerInstanceArn} (${i.reason})`).join(', ')}`;
    case DetailType.DaemonConstraintMatchesNothing:
      return `daemon ${event.detail.rule}: constraint matches no instance (${event.detail.constraint}); kept ${event.detail.keptCopies} copies running`;
    case DetailType.CronRunStarted: {
      const d = event.detail;
      return `cron ${d.rule}: slot ${slot(d.slot)} started ${d.startedNow} of ${d.count} on ${d.placements.map((p) => p.ec2InstanceId ?? 'Fargate').join(', ')}`;
    }
    case DetailType.CronSlotSkipped: {
      const d = event.detail;
      return `cron ${d.rule}: slot ${slot(d.slot)} skipped, ${d.reason}: ${d.detail}`;
    }
    case DetailType.CronSlotFailed:
      return `cron ${event.detail.rule}: slot ${slot(event.detail.slot)} FAILED: ${JSON.stringify(event.detail.reasons)}`;
    case DetailType.CronRunSucceeded: {
      const d = event.detail;
      return `cron ${d.rule}: slot ${slot(d.slot)} succeeded (attempt ${d.attempt} of ${d.maxAttempts}, ${d.durationSeconds ?? '?'} s)`;
    }
    case DetailType.CronRunFailed: {
      const d = event.detail;
      const next = d.retryAt ? `; retry at ${clock(d.retryAt)}` : '; no retries left';
      return `cron ${d.rule}: slot ${slot(d.slot)} run FAILED (attempt ${d.attempt} of ${d.maxAttempts}): ${d.reasons.join('; ')}${next}`;
    }
    case DetailType.CronRunStopped:
      return `cron ${event.detail.rule}: stopped a run past maxRunSeconds ${event.detail.maxRunSeconds}`;
    case DetailType.CronMessageRejected:
      return `${event.detailType}: ${JSON.stringify(event.detail)}`;
  }
}

/**
 * A handler's warning or error, on one line: the message, the rule, and why (the error, or the
 * reasons), without the rest of the structured log entry, which the result events already show.
 */
export function describeLog(entry: LogEntry): string {
  const { rule, error, reasons, reason } = entry.attributes as { rule?: string; error?: { message?: string }; reasons?: string[]; reason?: string };
  const why = error?.message ?? reasons?.join('; ') ?? reason;
  return shortenArns(`${entry.level} ${rule ? `${rule}: ` : ''}${entry.message}${why ? `: ${why}` : ''}`);
}

function shortenArns(text: string): string {
  return text.replace(/arn:aws:ecs:[^:]+:\d+:(container-instance|task)\/[^/\s]+\/([0-9a-f]{8})[0-9a-f]*/g, (_, _kind: string, id: string) =>
    `${id}`,
  );
}

/** A slot's HH:MM in UTC, and in the rule's zone when it has one: `06:00 (01:00 America/New_York)`. */
function slotClock(at: string, timeZone: string | undefined): string {
  return timeZone === undefined || timeZone === 'UTC' ? clock(at) : `${clock(at)} (${zonedTime(at, timeZone).slice(11)})`;
}

/** HH:MM in UTC, the simulation's clock. */
export function clock(at: Date | string): string {
  return new Date(at).toISOString().slice(11, 16);
}
