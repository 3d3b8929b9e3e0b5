import type { DeregisterTaskDefinitionRequest, DescribeTaskDefinitionRequest, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { clientError } from '../errors.js';
import { taskDefinitionShape } from '../state/shapes.js';
import type { Store } from '../state/store.js';
import { deregisterTaskDefinition, findTaskDefinition, registerTaskDefinition } from '../state/task-definitions.js';
import type { TaskDefinitionRecord } from '../state/model.js';
import { operation } from './operation.js';

export const RegisterTaskDefinition = operation<RegisterTaskDefinitionRequest>((store, request) => {
  const definition = registerTaskDefinition(store, request);
  return { taskDefinition: taskDefinitionShape(definition), tags: request.tags ?? [] };
});

export const DescribeTaskDefinition = operation<DescribeTaskDefinitionRequest>((store, request) => {
  const definition = requireDefinition(store, request.taskDefinition);
  const tags = request.include?.includes('TAGS') ? { tags: definition.request.tags ?? [] } : {};
  return { taskDefinition: taskDefinitionShape(definition), ...tags };
});

export const DeregisterTaskDefinition = operation<DeregisterTaskDefinitionRequest>((store, request) => {
  if (!request.taskDefinition?.includes(':')) throw clientError('A revision is required: use family:revision or the full ARN.');
  const definition = requireDefinition(store, request.taskDefinition);
  deregisterTaskDefinition(store, definition);
  return { taskDefinition: taskDefinitionShape(definition) };
});

function requireDefinition(store: Store, reference: string | undefined): TaskDefinitionRecord {
  const definition = reference === undefined ? undefined : findTaskDefinition(store, reference);
  if (!definition) throw clientError('Unable to describe task definition.');
  return definition;
}
