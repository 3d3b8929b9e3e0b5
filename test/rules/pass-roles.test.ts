import { describe, expect, it } from 'vitest';
import type { FailedAction } from '../../shared/ecs/apply.js';
import { explainAccessDenied, missingPassRoles, passedRoles, passRolesFix, type RoleFields } from '../../shared/rules/pass-roles.js';

const TASK = 'arn:aws:iam::123456789012:role/report-task';
const EXEC = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
const OTHER = 'arn:aws:iam::123456789012:role/other-task';
const both = { taskRoleArn: TASK, executionRoleArn: EXEC };
const rule = (fields: Partial<RoleFields> = {}): RoleFields => ({ name: 'report', ...fields });

describe('the roles a start passes', () => {
  it.each<[string, RoleFields, { taskRoleArn?: string; executionRoleArn?: string }, string[]]>([
    ['none in the task definition', rule(), {}, []],
    ['both of the task definition', rule(), both, [`task role ${TASK} from task definition`, `execution role ${EXEC} from task definition`]],
    ['an override replaces the task role', rule({ overrides: { taskRoleArn: OTHER } }), both, [`task role ${OTHER} from overrides`, `execution role ${EXEC} from task definition`]],
    ['an override adds a role the task definition lacks', rule({ overrides: { executionRoleArn: EXEC } }), {}, [`execution role ${EXEC} from overrides`]],
  ])('%s', (_case, fields, target, expected) => {
    const roles = passedRoles(fields, { taskRoleArn: undefined, executionRoleArn: undefined, ...target });
    expect(roles.map(({ kind, role, from }) => `${kind} ${role} from ${from}`)).toEqual(expected);
  });
});

describe('missingPassRoles', () => {
  const target = { ...both };
  it.each<[string, readonly string[] | undefined, string[]]>([
    ['no passRoles', undefined, [TASK, EXEC]],
    ['the execution role forgotten', [TASK], [EXEC]],
    ['both listed', [EXEC, TASK], []],
  ])('%s', (_case, passRoles, expected) => {
    expect(missingPassRoles(rule(passRoles && { passRoles }), target).map(({ role }) => role)).toEqual(expected);
  });

  it('matches a role the task definition names without an ARN by its name', () => {
    expect(missingPassRoles(rule({ passRoles: [EXEC] }), { taskRoleArn: undefined, executionRoleArn: 'ecsTaskExecutionRole' })).toEqual([]);
    expect(passRolesFix(rule(), missingPassRoles(rule(), { taskRoleArn: undefined, executionRoleArn: 'ecsTaskExecutionRole' }))).toBe(
      "passRoles: ['arn:aws:iam::ACCOUNT:role/ecsTaskExecutionRole']",
    );
  });

  it('gives the whole line to write, the roles already listed first', () => {
    const missing = missingPassRoles(rule({ passRoles: [TASK] }), target);
    expect(passRolesFix(rule({ passRoles: [TASK] }), missing)).toBe(`passRoles: ['${TASK}', '${EXEC}']`);
  });
});

describe('explainAccessDenied', () => {
  const denied: FailedAction = { action: 'start', target: 'ci-1', reason: 'AccessDeniedException', detail: 'not authorized to perform: iam:PassRole' };
  const cpu: FailedAction = { action: 'start', target: 'ci-2', reason: 'RESOURCE:CPU' };

  it('names the missing role and the fix in a refused start, keeping what ECS said', () => {
    const [explained, untouched] = explainAccessDenied([denied, cpu], rule({ passRoles: [TASK] }), both);
    expect(explained!.detail).toBe(
      `passRoles: missing ${EXEC} (the execution role of the task definition): AWS refuses every start with AccessDenied; write passRoles: ['${TASK}', '${EXEC}'] (ECS: not authorized to perform: iam:PassRole)`,
    );
    expect(untouched).toEqual(cpu);
  });

  it('leaves an AccessDenied alone when every role is listed: the cause is elsewhere', () => {
    expect(explainAccessDenied([denied], rule({ passRoles: [TASK, EXEC] }), both)).toEqual([denied]);
  });
});
