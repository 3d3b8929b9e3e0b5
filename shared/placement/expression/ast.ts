import type {
  EqualityOperator,
  ExistenceOperator,
  ListOperator,
  OrderingOperator,
  PatternOperator,
} from './operators.js';

/**
 * The typed tree `parseExpression` builds. Values are already checked and converted for their
 * subject (numbers, versions, instants, compiled regular expressions), so evaluation never fails.
 */
export type Expression = OrExpression | AndExpression | NotExpression | Comparison;

export interface OrExpression {
  readonly kind: 'or';
  readonly left: Expression;
  readonly right: Expression;
}

export interface AndExpression {
  readonly kind: 'and';
  readonly left: Expression;
  readonly right: Expression;
}

export interface NotExpression {
  readonly kind: 'not';
  readonly operand: Expression;
}

export interface AttributeSubject {
  readonly kind: 'attribute';
  readonly name: string;
}

/** Subjects compared as strings. agentConnected is the string 'true' or 'false'. */
export type TextSubject =
  | AttributeSubject
  | { readonly kind: 'agentConnected' }
  | { readonly kind: 'ec2InstanceId' }
  | { readonly kind: 'taskGroup' };

/** Subjects compared as numbers: a task count, or a registration time in epoch seconds. */
export type NumberSubject = { readonly kind: 'runningTasksCount' } | { readonly kind: 'registeredAt' };

export type VersionSubject = { readonly kind: 'agentVersion' };

export type Subject = TextSubject | NumberSubject | VersionSubject;

export interface TextValue {
  /** The value as written, without quotes. */
  readonly text: string;
  /** Set when the value holds a `*` wildcard: the whole-string pattern it stands for. */
  readonly wildcard: RegExp | undefined;
}

interface ComparisonBase {
  /** Offset of the subject in the source, to point at this comparison in later messages. */
  readonly position: number;
}

/** `attribute:NAME exists` / `!exists`: the only subject the docs give presence operators to. */
export interface ExistsComparison extends ComparisonBase {
  readonly kind: 'exists';
  readonly subject: AttributeSubject;
  readonly operator: ExistenceOperator;
}

export type TextComparison = ComparisonBase & { readonly kind: 'text'; readonly subject: TextSubject } & (
    | { readonly operator: EqualityOperator | OrderingOperator; readonly value: TextValue }
    | { readonly operator: ListOperator; readonly values: readonly TextValue[] }
    | { readonly operator: PatternOperator; readonly pattern: RegExp }
  );

export interface NumberComparison extends ComparisonBase {
  readonly kind: 'number';
  readonly subject: NumberSubject;
  readonly operator: EqualityOperator | OrderingOperator;
  readonly value: number;
}

export interface VersionComparison extends ComparisonBase {
  readonly kind: 'version';
  readonly subject: VersionSubject;
  readonly operator: EqualityOperator | OrderingOperator;
  /** Dotted components, e.g. 1.14.5 -> [1, 14, 5]. */
  readonly value: readonly number[];
}

export type Comparison = ExistsComparison | TextComparison | NumberComparison | VersionComparison;
