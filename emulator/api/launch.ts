import type { Tag, TaskOverride } from '@aws-sdk/client-ecs';
import { clientError, invalidParameter } from '../errors.js';
import { taskNeeds } from '../state/needs.js';
import type { Store } from '../state/store.js';
import { findTaskDefinition } from '../state/task-definitions.js';
import type { Launch } from '../state/tasks.js';
import { checkMaxItems, checkMaxLength } from './input.js';

/** The parameters StartTask and RunTask share. */
export interface LaunchRequest {
  taskDefinition: string | undefined;
  startedBy?: string;
  group?: string;
  overrides?: TaskOverride;
  tags?: Tag[];
}


/** Resolves and checks what to launch, before any instance is looked at. */
export function prepareLaunch(store: Store, request: LaunchRequest): Launch {
  const definition = request.taskDefinition === undefined ? undefined : findTaskDefinition(store, request.taskDefinition);
  if (!definition) throw clientError('TaskDefinition not found.');
  if (definition.status !== 'ACTIVE') throw clientError('TaskDefinition is inactive.');
  checkMaxLength(request.startedBy, 36, 'startedBy');
  checkMaxLength(request.group, 255, 'group');
  checkMaxItems(request.tags, 50, 'tags');
  for (const override of request.overrides?.containerOverrides ?? []) {
    if (!definition.containers.some((container) => container.name === override.name)) {
      throw invalidParameter(`Override for container named ${override.name} is not a container in the TaskDefinition.`);
    }
  }
  return {
    definition,
    needs: taskNeeds(definition, request.overrides),
    startedBy: request.startedBy,
    group: request.group,
    overrides: request.overrides,
    tags: request.tags,
  };
}
