import type { Expression, NumberSubject, TextComparison, TextSubject, TextValue } from './ast.js';
import type { InstanceFacts } from './facts.js';
import type { EqualityOperator, OrderingOperator } from './operators.js';
import { parseVersion } from './values.js';

/** Whether `instance` satisfies `expression`. Never throws: the parser has checked every value. */
export function evaluate(expression: Expression, instance: InstanceFacts): boolean {
  switch (expression.kind) {
    case 'or':
      return evaluate(expression.left, instance) || evaluate(expression.right, instance);
    case 'and':
      return evaluate(expression.left, instance) && evaluate(expression.right, instance);
    case 'not':
      return !evaluate(expression.operand, instance);
    case 'exists':
      return instance.attributes.has(expression.subject.name) === (expression.operator === 'exists');
    case 'text':
      return textValues(expression.subject, instance).some((value) => textHolds(expression, value));
    case 'number':
      return holds(expression.operator, numberOf(expression.subject, instance) - expression.value);
    case 'version': {
      // An agent version we cannot read satisfies no comparison, like an absent attribute.
      const version = parseVersion(instance.agentVersion);
      return version !== undefined && holds(expression.operator, compareVersions(version, expression.value));
    }
  }
}

/**
 * The values a text subject has on an instance: task:group has one per task, and an attribute has
 * none when it is absent or exists without a value. A comparison holds when some value satisfies
 * it, so an instance without a value satisfies none, negated operators included. The docs say so
 * for attributes: `attribute:stack != prod` "lists the instances with the custom attribute stack
 * unless the attribute value is prod". For task:group it makes `task:group != database` hold on
 * an instance running some task outside that group; to keep away from database hosts, the docs'
 * anti-affinity example writes `not(task:group == database)`.
 */
function textValues(subject: TextSubject, instance: InstanceFacts): readonly string[] {
  switch (subject.kind) {
    case 'attribute': {
      const value = instance.attributes.get(subject.name);
      return value === undefined ? [] : [value];
    }
    case 'taskGroup':
      return instance.taskGroups;
    case 'ec2InstanceId':
      return [instance.ec2InstanceId];
    case 'agentConnected':
      return [String(instance.agentConnected)];
  }
}

function textHolds(comparison: TextComparison, value: string): boolean {
  switch (comparison.operator) {
    case 'in':
      return comparison.values.some((listed) => textEquals(value, listed));
    case 'not_in':
      return !comparison.values.some((listed) => textEquals(value, listed));
    case 'matches':
      return comparison.pattern.test(value);
    case 'not_matches':
      return !comparison.pattern.test(value);
    case 'equals':
      return textEquals(value, comparison.value);
    case 'not_equals':
      return !textEquals(value, comparison.value);
    default:
      return holds(comparison.operator, compareText(value, comparison.value.text));
  }
}

function textEquals(value: string, expected: TextValue): boolean {
  return expected.wildcard === undefined ? value === expected.text : expected.wildcard.test(value);
}

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * Orders attribute values: as numbers when both are decimal numbers (so `attribute:cores > 8`
 * behaves), otherwise by UTF-16 code units. The docs do not say how ECS orders attribute values.
 */
function compareText(value: string, expected: string): number {
  if (DECIMAL.test(value) && DECIMAL.test(expected)) return Number(value) - Number(expected);
  return value < expected ? -1 : value > expected ? 1 : 0;
}

/**
 * The documented date formats stop at seconds, so registeredAt is compared in whole seconds:
 * `registeredAt == 2018-06-18T22:28:28Z` holds for an instance registered at 22:28:28.512.
 */
function numberOf(subject: NumberSubject, instance: InstanceFacts): number {
  return subject.kind === 'runningTasksCount'
    ? instance.runningTasksCount
    : Math.floor(instance.registeredAt.getTime() / 1000);
}

/** Component by component, a missing component counting as 0: 1.14 == 1.14.0 < 1.14.5. */
function compareVersions(left: readonly number[], right: readonly number[]): number {
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Whether `operator` holds for a comparison whose sign is `difference` (left minus right). */
function holds(operator: EqualityOperator | OrderingOperator, difference: number): boolean {
  switch (operator) {
    case 'equals':
      return difference === 0;
    case 'not_equals':
      return difference !== 0;
    case 'greater_than':
      return difference > 0;
    case 'greater_than_equal':
      return difference >= 0;
    case 'less_than':
      return difference < 0;
    case 'less_than_equal':
      return difference <= 0;
  }
}
