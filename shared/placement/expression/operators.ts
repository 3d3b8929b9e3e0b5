/** Comparison operators of the cluster query language, named by their word spelling. */
export type EqualityOperator = 'equals' | 'not_equals';
export type OrderingOperator = 'greater_than' | 'greater_than_equal' | 'less_than' | 'less_than_equal';
export type ListOperator = 'in' | 'not_in';
export type PatternOperator = 'matches' | 'not_matches';
export type ExistenceOperator = 'exists' | 'not_exists';
export type Operator = EqualityOperator | OrderingOperator | ListOperator | PatternOperator | ExistenceOperator;

/** The short spelling of each operator; the docs list `exists` and `in` in word form only. */
export const OPERATOR_SYMBOLS: Readonly<Record<Operator, string>> = {
  equals: '==',
  not_equals: '!=',
  greater_than: '>',
  greater_than_equal: '>=',
  less_than: '<',
  less_than_equal: '<=',
  exists: 'exists',
  not_exists: '!exists',
  in: 'in',
  not_in: '!in',
  matches: '=~',
  not_matches: '!~',
};

/** Both spellings ECS documents for each operator, e.g. '!=' and 'not_equals'. */
const SPELLINGS: ReadonlyMap<string, Operator> = new Map(
  (Object.keys(OPERATOR_SYMBOLS) as Operator[]).flatMap((operator): [string, Operator][] => [
    [operator, operator],
    [OPERATOR_SYMBOLS[operator], operator],
  ]),
);

export function operatorSpelled(text: string): Operator | undefined {
  return SPELLINGS.get(text);
}

/** Every operator, in the order of the docs' operator table. */
export const ALL_OPERATORS = Object.keys(OPERATOR_SYMBOLS) as Operator[];

/** Valid operators of agentConnected and ec2InstanceId per the docs, also used for task:group. */
export const STRING_OPERATORS: readonly (EqualityOperator | ListOperator | PatternOperator)[] = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'matches',
  'not_matches',
];

/** Valid operators of agentVersion, registeredAt and runningTasksCount per the docs. */
export const ORDERED_OPERATORS: readonly (EqualityOperator | OrderingOperator)[] = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_than_equal',
  'less_than',
  'less_than_equal',
];
