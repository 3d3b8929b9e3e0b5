import type { TaskDefinitionInfo } from '../../state/types.js';
import type { Launch } from '../plan.js';
import { withRuleTag } from '../rule-tag.js';
import { scheduledOverrides } from './overrides.js';
import type { CronRule } from './rule.js';

/**
 * What every copy of a slot's attempt is started with, wherever it runs: its key as startedBy and
 * as group, the rule's tags with the rule tag, and the slot in its overrides.
 */
export function slotLaunch(rule: CronRule, target: TaskDefinitionInfo, slot: Date, key: string): Launch {
  return {
    taskDefinitionArn: target.arn,
    startedBy: key,
    group: key,
    tags: withRuleTag(rule.tags, 'cron', rule.name),
    overrides: scheduledOverrides(rule, target, slot),
  };
}
