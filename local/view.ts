import type { ResultEvent } from '../shared/report/publisher.js';

/** One readable line per result event, as the live view prints them (ARNs shortened to their id). */
export function describeEvent(event: ResultEvent): string {
  return shortenArns(line(event));
}

function line(event: ResultEvent): string {
  const d = event.detail as Record<string, unknown>;
  const rule = String(d.rule);
  switch (event.detailType) {
    case 'Daemon Reconciled': {
      const started = (d.started as unknown[]).length;
      const stopped = d.stopped as Array<{ reason: string }>;
      const coverage = d.coverage as { desired: number; available: number };
      const parts = [started > 0 ? `started ${started}` : '', ...stopped.map((s) => `stopped one: ${s.reason.replace(/^daemon [^:]+: /, '')}`)].filter(Boolean);
      return `daemon ${rule}: ${parts.join('; ') || 'no change'} (${d.reason}; ${coverage.available}/${coverage.desired} instances running a copy before this)`;
    }
    case 'Daemon Placement Failed':
      return `daemon ${rule}: cannot place on ${(d.instances as Array<{ ec2InstanceId?: string; containerInstanceArn: string; reason: string }>).map((i) => `${i.ec2InstanceId ?? i.containerInstanceArn} (${i.reason})`).join(', ')}`;
    case 'Cron Run Started': {
      const placements = d.placements as Array<{ ec2InstanceId?: string }>;
      return `cron ${rule}: slot ${clock(String(d.slot))} started ${d.startedNow} of ${d.count} on ${placements.map((p) => p.ec2InstanceId).join(', ')}`;
    }
    case 'Cron Slot Skipped':
      return `cron ${rule}: slot ${clock(String(d.slot))} skipped, ${d.reason}: ${d.detail}`;
    case 'Cron Run Failed':
      return `cron ${rule}: slot ${clock(String(d.slot))} FAILED: ${JSON.stringify(d.reasons ?? d)}`;
    case 'Cron Run Stopped':
      return `cron ${rule}: stopped a run past maxRunSeconds ${d.maxRunSeconds}`;
    default:
      return `${event.detailType}: ${JSON.stringify(d)}`;
  }
}

function shortenArns(text: string): string {
  return text.replace(/arn:aws:ecs:[^:]+:\d+:(container-instance|task)\/[^/\s]+\/([0-9a-f]{8})[0-9a-f]*/g, (_, _kind: string, id: string) =>
    `${id}`,
  );
}

/** HH:MM in UTC, the simulation's clock. */
export function clock(at: Date | string): string {
  return new Date(at).toISOString().slice(11, 16);
}
