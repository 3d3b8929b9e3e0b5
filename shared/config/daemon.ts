import { z } from 'zod';
import { CLUSTER_REFERENCE } from './clusters.js';
import { matching, text, wholeNumber } from './fields.js';
import { mustBe } from './messages.js';
import { overridesSchema } from './overrides.js';
import { expressionSchema } from './placement.js';
import { passRolesSchema } from './roles.js';
import { tagsSchema } from './tags.js';
import { taskDefinitionSchema } from './task-definition.js';

/** At most 29 characters: the name becomes part of each copy's startedBy, which ECS limits to 36. */
const DAEMON_NAME_PATTERN = /^[A-Za-z0-9_-]{1,29}$/;
const PERCENT = /^([1-9][0-9]?|100)%$/;
const BUDGET = 'a whole number of 1 or more, or a percentage from 1% to 100% such as "25%"';
const budgetError = (issue: { input?: unknown }) => mustBe(BUDGET, issue.input);

/** A count of instances, or a percentage of the eligible ones (whole percent: "25%", not "12.5%"). */
const maxUnavailableSchema = z
  .union([z.number(), z.templateLiteral([z.number(), '%'])], { error: budgetError })
  .refine((budget) => (typeof budget === 'number' ? Number.isSafeInteger(budget) && budget >= 1 : PERCENT.test(budget)), {
    error: budgetError,
  });

/**
 * One daemon: a copy of a task definition on every eligible container instance of a cluster. Its
 * output is the DaemonRule type the rules read; defaults are documented here and applied by the
 * code that uses each field.
 */
export const daemonRuleSchema = z.strictObject({
  /** Letters, digits, `-` and `_`, at most 29 characters: it becomes part of the task's startedBy. */
  name: matching(
    DAEMON_NAME_PATTERN,
    "1-29 letters, digits, - or _ (it becomes part of each copy's startedBy, which ECS limits to 36 characters)",
  ),
  cluster: text(CLUSTER_REFERENCE),
  /** Family (latest ACTIVE revision), family:revision, or a full task definition ARN. */
  taskDefinition: taskDefinitionSchema,
  /** Cluster query language expression selecting the eligible instances; all ACTIVE instances when absent. */
  constraint: expressionSchema.optional(),
  /**
   * IAM role ARNs the task definition names (task role, execution role): the function may pass
   * only these to ECS. Default none, for task definitions without roles.
   */
  passRoles: passRolesSchema.optional(),
  overrides: overridesSchema.optional(),
  tags: tagsSchema.optional(),
  /**
   * At most this many instances without a running copy at once, whether a rollout or a changed
   * constraint (misscheduled copies) stops them: a count, or a percentage (rounded up) of the
   * instances the daemon serves (eligible, or running a misscheduled copy). Default 1.
   */
  maxUnavailable: maxUnavailableSchema.optional(),
  /**
   * Whether the copies may all be stopped when the constraint matches no ACTIVE instance of the
   * cluster. Default false: such a reconcile stops nothing and reports "constraint matches no
   * instance", because a constraint that suddenly matches nothing is usually a typo. Set it for
   * a daemon meant to follow instances that may all go away (copies then stop at the
   * maxUnavailable pace).
   */
  allowNoEligibleInstances: z.boolean().optional(),
  /**
   * What happens to the copies when this rule leaves the stack (removed, renamed, or the stack
   * deleted): "destroy" stops them at the maxUnavailable pace; "retain" keeps them running (plan
   * then lists them as orphaned). Default "destroy": nothing else would ever stop them, and a
   * removed daemon's copies keep holding resources and host ports on every instance.
   */
  removalPolicy: z.enum(['destroy', 'retain']).optional(),
  /** Minutes between full sweeps, which catch anything an event missed. Default 5. */
  sweepIntervalMinutes: wholeNumber(1, 1440).optional(),
});
