/**
 * The ECS cluster query language, the expression language of `memberOf` placement constraints,
 * evaluated by us because StartTask accepts no placement constraints.
 */
export type {
  AndExpression,
  AttributeSubject,
  Comparison,
  ExistsComparison,
  Expression,
  NotExpression,
  NumberComparison,
  NumberSubject,
  OrExpression,
  Subject,
  TextComparison,
  TextSubject,
  TextValue,
  VersionComparison,
  VersionSubject,
} from './ast.js';
export { ExpressionSyntaxError } from './errors.js';
export { evaluate } from './evaluator.js';
export type { InstanceFacts } from './facts.js';
export type {
  EqualityOperator,
  ExistenceOperator,
  ListOperator,
  Operator,
  OrderingOperator,
  PatternOperator,
} from './operators.js';
export { parseExpression } from './parser.js';
