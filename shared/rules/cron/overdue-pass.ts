/**
 * How often, in minutes, a rule with a maximum run time looks for overdue runs: a tenth of the
 * limit, between 1 and 15 minutes, so a run is stopped at most 10% (or a minute) past its limit
 * without a pass every minute for a limit of hours. The stack schedules the passes at this rate
 * and the local simulation fires them on the same minutes.
 */
export function overduePassMinutes(maxRunSeconds: number): number {
  return Math.min(15, Math.max(1, Math.round(maxRunSeconds / 600)));
}
