/**
 * The ways ECS lets a caller name a task definition (StartTask's and DescribeTaskDefinition's
 * `taskDefinition`): a family (its latest ACTIVE revision), family:revision, or a full ARN, which
 * always names a revision. The one grammar for the config's check, the infra's permissions, the
 * snapshot's reading of ECS answers and the CLI's display.
 */

/** ECS family names: up to 255 letters, digits, hyphens and underscores. */
const FAMILY = '[A-Za-z0-9_-]{1,255}';
const REVISION = '[1-9][0-9]*';
const ARN_PREFIX = 'arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/';

/** A whole reference; its groups are an ARN's family and revision, or a family and its optional revision. */
export const TASK_DEFINITION_REFERENCE = new RegExp(`^(?:${ARN_PREFIX}(${FAMILY}):(${REVISION})|(${FAMILY})(?::(${REVISION}))?)$`);

export interface TaskDefinitionReference {
  family: string;
  /** Absent for a bare family, which means whatever revision is the latest ACTIVE one. */
  revision?: number;
}

/** Family and revision of a reference, or undefined when `text` is not one. */
export function parseTaskDefinitionReference(text: string): TaskDefinitionReference | undefined {
  const match = TASK_DEFINITION_REFERENCE.exec(text);
  if (!match) return undefined;
  const [, arnFamily, arnRevision, family, revision] = match;
  if (arnFamily !== undefined) return { family: arnFamily, revision: Number(arnRevision) };
  return revision === undefined ? { family: family! } : { family: family!, revision: Number(revision) };
}

/** `arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION` -> family and revision. */
export function parseTaskDefinitionArn(arn: string): Required<TaskDefinitionReference> {
  const parsed = arn.startsWith('arn:') ? parseTaskDefinitionReference(arn) : undefined;
  if (parsed?.revision === undefined) throw new Error(`Not a task definition ARN with a revision: "${arn}"`);
  return { family: parsed.family, revision: parsed.revision };
}

/**
 * The family of a reference (family, family:revision, or a revisioned ARN): what permissions
 * are scoped to, so that a rollout to a new revision needs no redeploy.
 */
export function familyOf(reference: string): string {
  const parsed = parseTaskDefinitionReference(reference);
  if (!parsed) throw new Error(`Not a task definition reference (family, family:revision or ARN): "${reference}"`);
  return parsed.family;
}
