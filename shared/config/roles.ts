import { z } from 'zod';
import { matching } from './fields.js';
import { mustBe } from './messages.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * The roles the task definition names (its task role and execution role). StartTask passes them
 * to ECS, so the function needs iam:PassRole on exactly these: the app grants nothing wider, and
 * a role missing here makes StartTask fail with AccessDenied.
 */
export const passRolesSchema = z
  .array(matching(ROLE_ARN, 'an IAM role ARN such as arn:aws:iam::123456789012:role/my-task-role'), {
    error: (issue) => mustBe('a list of IAM role ARNs', issue.input),
  })
  .max(10, { error: (issue) => mustBe('at most 10 role ARNs', issue.input) });
