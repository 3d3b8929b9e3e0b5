import { evaluate, parseExpression, type Expression, type InstanceFacts } from './expression/index.js';
import type { PlacementConstraint } from './types.js';

export interface CompiledConstraints {
  /** All memberOf expressions together; undefined when there are none. */
  memberOf: ((instance: InstanceFacts) => boolean) | undefined;
  /**
   * distinctInstance: each task of a group on a different instance (ECS's definition), so an
   * instance that runs a task of the group, or took a copy in this placement, is refused.
   */
  distinctInstance: boolean;
  /**
   * Whether an expression reads `task:group`, which needs the tasks of every group in the
   * snapshot, not only the rule's own (a costlier load).
   */
  readsTaskGroups: boolean;
}

/**
 * Parses the constraints once for many placements.
 *
 * @throws ExpressionSyntaxError when a memberOf expression does not parse.
 */
export function compileConstraints(constraints: readonly PlacementConstraint[]): CompiledConstraints {
  const expressions = constraints.flatMap((constraint) =>
    constraint.type === 'memberOf' ? [parseExpression(constraint.expression)] : [],
  );
  return {
    memberOf:
      expressions.length === 0 ? undefined : (instance) => expressions.every((expression) => evaluate(expression, instance)),
    distinctInstance: constraints.some((constraint) => constraint.type === 'distinctInstance'),
    readsTaskGroups: expressions.some(readsTaskGroups),
  };
}

function readsTaskGroups(expression: Expression): boolean {
  switch (expression.kind) {
    case 'or':
    case 'and':
      return readsTaskGroups(expression.left) || readsTaskGroups(expression.right);
    case 'not':
      return readsTaskGroups(expression.operand);
    default:
      return expression.subject.kind === 'taskGroup';
  }
}
