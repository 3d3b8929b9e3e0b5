import { currentAttempt, type SlotRecord, type SlotState } from '../shared/ledger/slot-record.js';
import { shortId } from './render.js';

/** One slot of `ecs-sched history RULE`: how it ended, after how many attempts and how long, and where it ran. */
export interface HistoryRow {
  slot: string;
  trigger: SlotRecord['trigger'];
  state: SlotState;
  attempts: number;
  /** From the first copy's start to the last attempt's end; null while it runs or if nothing started. */
  durationSeconds: number | null;
  /** The instances of the last attempt's copies (EC2 instance id, else the container instance id). */
  ranOn: string[];
  /** The last attempt's non-zero exit codes of essential containers, as `container=code`. */
  exitCodes: string[];
  /** Why it was skipped, failed or stopped. */
  reason: string | null;
}

export function historyRow(record: SlotRecord): HistoryRow {
  const first = record.attempts.find((attempt) => attempt.startedAt !== undefined);
  const last = currentAttempt(record);
  const end = last?.endedAt ?? record.finishedAt;
  const copies = last?.copies ?? [];
  return {
    slot: record.slot,
    trigger: record.trigger,
    state: record.state,
    attempts: record.attempts.length,
    durationSeconds: first?.startedAt && end ? Math.round((Date.parse(end) - Date.parse(first.startedAt)) / 1000) : null,
    ranOn: [...new Set(copies.flatMap((copy) => copy.ec2InstanceId ?? (copy.containerInstanceArn ? shortId(copy.containerInstanceArn) : [])))],
    exitCodes: copies.flatMap((copy) =>
      (copy.containers ?? []).filter((c) => c.essential && c.exitCode !== undefined && c.exitCode !== 0).map((c) => `${c.name}=${c.exitCode}`),
    ),
    reason: slotReason(record),
  };
}

/** The slot's own reason (skipped, failed), else its last attempt's first (why a run failed or was stopped). */
export function slotReason(record: SlotRecord): string | null {
  return record.reason ?? currentAttempt(record)?.reasons?.[0] ?? null;
}
