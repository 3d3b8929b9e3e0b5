import type { ECSClient } from '@aws-sdk/client-ecs';
import { toConfigError } from '../shared/config/errors.js';
import type { ConfigError, SchedulerConfig } from '../shared/config/index.js';
import { describeMissingRoles, missingPassRoles } from '../shared/rules/pass-roles.js';
import { CliError } from './errors.js';
import { readTaskDefinition } from './plans.js';

/**
 * `validate --live`: what only the account can tell, read with the credentials `plan` uses (only
 * DescribeTaskDefinition): a task definition that cannot be described, and a role its starts
 * would pass that the rule's passRoles lacks, which AWS would refuse at every start.
 * `input` is the config as written, so errors name rules as the static checks do.
 */
export async function liveProblems(ecs: ECSClient, config: SchedulerConfig, input: unknown): Promise<ConfigError[]> {
  const problems: ConfigError[] = [];
  const lists = [
    ['daemons', config.daemons ?? []],
    ['crons', config.crons ?? []],
  ] as const;
  for (const [list, rules] of lists) {
    for (const [index, rule] of rules.entries()) {
      const target = await readTaskDefinition(ecs, rule.taskDefinition).catch((error: unknown) => {
        if (error instanceof CliError && error.code === 'TaskDefinition') {
          problems.push(toConfigError({ path: [list, index, 'taskDefinition'], message: error.message }, input));
          return undefined;
        }
        throw error;
      });
      const missing = target ? missingPassRoles(rule, target) : [];
      if (missing.length > 0) problems.push(toConfigError({ path: [list, index, 'passRoles'], message: describeMissingRoles(rule, missing) }, input));
    }
  }
  return problems;
}
