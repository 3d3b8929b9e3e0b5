import { z } from 'zod';
import { DAEMON_NAME_PATTERN, type DaemonRule } from '../rules/daemon/rule.js';
import { CLUSTER_REFERENCE } from './clusters.js';
import { matching, text, wholeNumber } from './fields.js';
import { mustBe } from './messages.js';
import { overridesSchema } from './overrides.js';
import { expressionSchema } from './placement.js';
import { passRolesSchema } from './roles.js';
import type { Assert, SameKeys } from './same-keys.js';
import { tagsSchema } from './tags.js';
import { taskDefinitionSchema } from './task-definition.js';

const PERCENT = /^([1-9][0-9]?|100)%$/;
const BUDGET = 'a whole number of 1 or more, or a percentage from 1% to 100% such as "25%"';
const budgetError = (issue: { input?: unknown }) => mustBe(BUDGET, issue.input);

/** A count of instances, or a percentage of the eligible ones (whole percent: "25%", not "12.5%"). */
const maxUnavailableSchema = z
  .union([z.number(), z.templateLiteral([z.number(), '%'])], { error: budgetError })
  .refine((budget) => (typeof budget === 'number' ? Number.isSafeInteger(budget) && budget >= 1 : PERCENT.test(budget)), {
    error: budgetError,
  });

export const daemonRuleSchema = z.strictObject({
  name: matching(
    DAEMON_NAME_PATTERN,
    "1-29 letters, digits, - or _ (it becomes part of each copy's startedBy, which ECS limits to 36 characters)",
  ),
  cluster: text(CLUSTER_REFERENCE),
  taskDefinition: taskDefinitionSchema,
  constraint: expressionSchema.optional(),
  passRoles: passRolesSchema.optional(),
  overrides: overridesSchema.optional(),
  tags: tagsSchema.optional(),
  maxUnavailable: maxUnavailableSchema.optional(),
  sweepIntervalMinutes: wholeNumber(1, 1440).optional(),
});

type _DaemonFields = Assert<SameKeys<z.output<typeof daemonRuleSchema>, DaemonRule>>;
