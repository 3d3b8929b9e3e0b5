import { TASK_DEFINITION_REFERENCE } from '../ecs/task-definition-reference.js';
import { matching } from './fields.js';

/** What StartTask accepts as `taskDefinition`: a family (its latest ACTIVE revision), family:revision, or a full ARN. */
export const taskDefinitionSchema = matching(
  TASK_DEFINITION_REFERENCE,
  'a task definition family (1-255 letters, digits, - or _), family:revision, ' +
    'or a full ARN such as arn:aws:ecs:us-east-1:123456789012:task-definition/FAMILY:REVISION',
);
