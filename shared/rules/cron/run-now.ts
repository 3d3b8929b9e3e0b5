/**
 * The slot of a manual run (run-now) requested at `requestedAt`: that time to the whole second,
 * because the run's startedBy names its slot to the second and SCHEDULED_TIME should match it.
 * The CLI sends it so; the handler reads every run-now message through it, whoever sent it.
 */
export function runNowSlot(requestedAt: Date): Date {
  return new Date(Math.floor(requestedAt.getTime() / 1000) * 1000);
}
