import type { RuleList } from './rule-names.js';

const QUEUE_OUTPUT_PREFIX: Readonly<Record<RuleList, string>> = { daemons: 'DaemonQueue', crons: 'CronQueue' };

/**
 * The name of the stack output that holds a rule's queue URL. CloudFormation logical ids allow
 * only letters and digits, so CDK drops every other character of the construct id: rule
 * `nightly-report` gives `CronQueuenightlyreport`, and `eu-digest` and `eudigest` would give the
 * same name (validation refuses that pair). The stack names its outputs with this function.
 */
export function queueOutputName(list: RuleList, ruleName: string): string {
  return `${QUEUE_OUTPUT_PREFIX[list]}${ruleName.replace(/[^A-Za-z0-9]/g, '')}`;
}
