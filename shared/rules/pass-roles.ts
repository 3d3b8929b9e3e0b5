import type { FailedAction } from '../ecs/apply.js';
import type { TaskDefinitionInfo } from '../state/types.js';

/**
 * StartTask and RunTask pass the task definition's roles (or the ones the rule's overrides name
 * instead) to ECS, which needs iam:PassRole on each; the stack grants it only for the rule's
 * `passRoles`. A role missing there makes every start fail with AccessDenied, in AWS only: these
 * functions name it before deploy (plan, validate --live) and in the failure itself.
 */

/** The fields of a rule this reads (daemon and cron rules share them). */
export interface RoleFields {
  name: string;
  passRoles?: readonly string[];
  overrides?: { taskRoleArn?: string; executionRoleArn?: string };
}

export interface PassedRole {
  /** As written: an ARN, or a role name (ECS accepts a task definition's role by name). */
  role: string;
  kind: 'task role' | 'execution role';
  /** Where the start takes it from. */
  from: 'task definition' | 'overrides';
}

/** The roles a start of `target` passes: an override replaces the task definition's role of the same kind. */
export function passedRoles(rule: RoleFields, target: Pick<TaskDefinitionInfo, 'taskRoleArn' | 'executionRoleArn'>): PassedRole[] {
  const pick = (kind: PassedRole['kind'], override: string | undefined, defined: string | undefined): PassedRole[] =>
    override ? [{ role: override, kind, from: 'overrides' }] : defined ? [{ role: defined, kind, from: 'task definition' }] : [];
  return [...pick('task role', rule.overrides?.taskRoleArn, target.taskRoleArn), ...pick('execution role', rule.overrides?.executionRoleArn, target.executionRoleArn)];
}

/** The passed roles that `passRoles` does not list. A role given by name matches a listed ARN of that name. */
export function missingPassRoles(rule: RoleFields, target: Pick<TaskDefinitionInfo, 'taskRoleArn' | 'executionRoleArn'>): PassedRole[] {
  const listed = rule.passRoles ?? [];
  return passedRoles(rule, target).filter(({ role }) => !listed.some((arn) => arn === role || (!role.startsWith('arn:') && roleName(arn) === role)));
}

/** The rule's passRoles line with the missing roles added: what to write in the config. */
export function passRolesFix(rule: RoleFields, missing: readonly PassedRole[]): string {
  const roles = [...(rule.passRoles ?? []), ...missing.map(({ role }) => (role.startsWith('arn:') ? role : `arn:aws:iam::ACCOUNT:role/${role}`))];
  return `passRoles: [${[...new Set(roles)].map((role) => `'${role}'`).join(', ')}]`;
}

/** The missing roles, what they cause and the fix, as one sentence after "passRoles: " (plan, validate --live, a failed start). */
export function describeMissingRoles(rule: RoleFields, missing: readonly PassedRole[]): string {
  const roles = missing.map(({ role, kind, from }) => `${role} (the ${kind} of the ${from === 'overrides' ? "rule's overrides" : 'task definition'})`);
  return `missing ${roles.join(' and ')}: AWS refuses every start with AccessDenied; write ${passRolesFix(rule, missing)}`;
}

/**
 * A start refused with AccessDenied, explained: when the rule's passRoles lacks a role the start
 * passes, the failure's detail names it and the fix (the likely cause; ECS's own message follows).
 */
export function explainAccessDenied(failures: readonly FailedAction[], rule: RoleFields, target: Pick<TaskDefinitionInfo, 'taskRoleArn' | 'executionRoleArn'>): FailedAction[] {
  const missing = missingPassRoles(rule, target);
  if (missing.length === 0) return [...failures];
  return failures.map((failure) =>
    failure.action === 'start' && /AccessDenied/.test(failure.reason)
      ? { ...failure, detail: `passRoles: ${describeMissingRoles(rule, missing)}${failure.detail ? ` (ECS: ${failure.detail})` : ''}` }
      : failure,
  );
}

function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
