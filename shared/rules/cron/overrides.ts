import type { ContainerOverride, TaskOverride } from '@aws-sdk/client-ecs';
import type { TaskDefinitionInfo } from '../../state/types.js';
import { SCHEDULED_TIME_VARIABLE, type CronRule } from './rule.js';

/**
 * The rule's overrides plus the slot's scheduled time, as SCHEDULED_TIME_VARIABLE, in every
 * container of the task definition: a run should know which slot it serves even when it starts
 * late or is retried, and any container may be the one that needs it.
 *
 * - Each container keeps the rule's override fields (command, cpu, other variables...).
 * - A rule variable of the same name is replaced: the scheduled time is the planner's to say, and
 *   a fixed value there would make every run believe it serves the same slot.
 * - An override naming a container the definition does not have is passed on unchanged, so ECS
 *   refuses it with its own error instead of the setting vanishing without a word.
 */
export function scheduledOverrides(rule: CronRule, target: TaskDefinitionInfo, slot: Date): TaskOverride {
  const given = rule.overrides?.containerOverrides ?? [];
  const scheduledTime = { name: SCHEDULED_TIME_VARIABLE, value: slot.toISOString() };
  const containers: ContainerOverride[] = target.containerNames.map((name) => {
    const override = given.find((candidate) => candidate.name === name);
    const environment = (override?.environment ?? []).filter((variable) => variable.name !== SCHEDULED_TIME_VARIABLE);
    return { ...override, name, environment: [...environment, scheduledTime] };
  });
  const unknown = given.filter((override) => !override.name || !target.containerNames.includes(override.name));
  return { ...rule.overrides, containerOverrides: [...containers, ...unknown] };
}
