/** Small valid configs to break one field at a time; a case spells out only what it is about. */

export const DAEMON = { name: 'node-exporter', cluster: 'prod', taskDefinition: 'node-exporter' };
export const CRON = { name: 'nightly-report', cluster: 'prod', taskDefinition: 'nightly-report', schedule: 'cron(0 2 * * ? *)' };

/** A config with one daemon rule: DAEMON with `fields` set over it. */
export function withDaemon(fields: Record<string, unknown>): Record<string, unknown> {
  return { clusters: { prod: {} }, daemons: [{ ...DAEMON, ...fields }] };
}

/** A config with one cron rule: CRON with `fields` set over it. */
export function withCron(fields: Record<string, unknown>): Record<string, unknown> {
  return { clusters: { prod: {} }, crons: [{ ...CRON, ...fields }] };
}
