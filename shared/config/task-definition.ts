import { matching } from './fields.js';

/** ECS family names: up to 255 letters, digits, hyphens and underscores. */
const FAMILY = '[A-Za-z0-9_-]{1,255}';
const REVISION = '[1-9][0-9]*';
/** arn:PARTITION:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION; a full ARN always names a revision. */
const ARN = `arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/${FAMILY}:${REVISION}`;

/** What StartTask accepts as `taskDefinition`: a family (its latest ACTIVE revision), family:revision, or a full ARN. */
export const taskDefinitionSchema = matching(
  new RegExp(`^(?:${FAMILY}(?::${REVISION})?|${ARN})$`),
  'a task definition family (1-255 letters, digits, - or _), family:revision, ' +
    'or a full ARN such as arn:aws:ecs:us-east-1:123456789012:task-definition/FAMILY:REVISION',
);
