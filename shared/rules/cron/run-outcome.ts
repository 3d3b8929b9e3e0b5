import type { ContainerExit } from '../../ledger/slot-record.js';
import { isCronStop, type CronRule } from './rule.js';

/** One copy of a run as ECS describes it now. */
export interface CopyState {
  taskArn: string;
  lastStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: Date;
  containers: ContainerExit[];
}

export type RunOutcome =
  | { kind: 'running'; stopped: number; of: number }
  | { kind: 'succeeded'; endedAt: Date }
  /** Every reason names the copy, and says what ECS said: the stop code, the reason, each essential container's exit. */
  | { kind: 'failed'; endedAt: Date; reasons: string[] }
  /** Stopped by the scheduler itself (maxRunSeconds, Replace): not the job's failure, and never retried. */
  | { kind: 'stopped'; endedAt: Date; reasons: string[] };

/**
 * The outcome of one attempt, from its copies as ECS shows them: running while any copy has not
 * reached STOPPED; then succeeded when every essential container of every copy exited 0, stopped
 * when the scheduler stopped a copy, and failed otherwise. A copy ECS no longer lists is given as
 * `undefined`: its outcome is unknown, which is not a success.
 */
export function runOutcome(rule: Pick<CronRule, 'name'>, copies: ReadonlyArray<{ taskArn: string; state: CopyState | undefined }>): RunOutcome {
  const stopped = copies.filter(({ state }) => state === undefined || state.lastStatus === 'STOPPED');
  if (stopped.length < copies.length) return { kind: 'running', stopped: stopped.length, of: copies.length };
  const endedAt = new Date(Math.max(0, ...copies.map(({ state }) => state?.stoppedAt?.getTime() ?? 0)));

  const byUs = copies.filter(({ state }) => state?.stopCode === 'UserInitiated' && isCronStop(rule, state.stoppedReason));
  if (byUs.length > 0) {
    return { kind: 'stopped', endedAt, reasons: byUs.map(({ taskArn, state }) => `${taskId(taskArn)}: ${state!.stoppedReason}`) };
  }
  const reasons = copies.flatMap(({ taskArn, state }) => copyFailure(taskArn, state));
  return reasons.length === 0 ? { kind: 'succeeded', endedAt } : { kind: 'failed', endedAt, reasons };
}

/** Why one stopped copy failed, or nothing when every essential container exited 0. */
function copyFailure(taskArn: string, state: CopyState | undefined): string[] {
  const id = taskId(taskArn);
  if (state === undefined) return [`${id}: ECS no longer lists the task, so its exit codes are unknown`];
  const essential = state.containers.filter((container) => container.essential);
  const bad = essential.filter((container) => container.exitCode !== 0);
  if (essential.length > 0 && bad.length === 0) return [];
  const exits = bad.map((container) =>
    container.exitCode === undefined
      ? `container ${container.name} never ran${container.reason ? ` (${container.reason})` : ''}`
      : `container ${container.name} exited ${container.exitCode}${container.reason ? ` (${container.reason})` : ''}`,
  );
  const stop = [state.stopCode, state.stoppedReason].filter(Boolean).join(': ');
  return [`${id}: ${[stop, ...exits].filter(Boolean).join('; ') || 'stopped with no essential container reported'}`];
}

/** The last part of a task ARN: short, and what the ECS console shows. */
function taskId(taskArn: string): string {
  return `task ${taskArn.slice(taskArn.lastIndexOf('/') + 1)}`;
}
