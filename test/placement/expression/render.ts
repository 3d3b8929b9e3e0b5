import type { Expression, Subject, TextValue } from '../../../shared/placement/expression/index.js';

/**
 * Renders a parsed expression fully parenthesized, with canonical operator names and converted
 * values, so a grammar test can state the exact tree it expects in one line.
 */
export function render(expression: Expression): string {
  switch (expression.kind) {
    case 'or':
    case 'and':
      return `(${render(expression.left)} ${expression.kind} ${render(expression.right)})`;
    case 'not':
      return `not(${render(expression.operand)})`;
    case 'exists':
      return `${subject(expression.subject)} ${expression.operator}`;
    case 'number': {
      const value =
        expression.subject.kind === 'registeredAt'
          ? new Date(expression.value * 1000).toISOString()
          : String(expression.value);
      return `${subject(expression.subject)} ${expression.operator} ${value}`;
    }
    case 'version':
      return `${subject(expression.subject)} ${expression.operator} v${expression.value.join('.')}`;
    case 'text': {
      const head = `${subject(expression.subject)} ${expression.operator}`;
      if ('values' in expression) return `${head} [${expression.values.map(text).join(', ')}]`;
      if ('pattern' in expression) return `${head} ${String(expression.pattern)}`;
      return `${head} ${text(expression.value)}`;
    }
  }
}

function subject(value: Subject): string {
  return value.kind === 'attribute' ? `attribute:${value.name}` : value.kind;
}

/** Plain values in double quotes; wildcard values as the pattern they compile to. */
function text(value: TextValue): string {
  return value.wildcard === undefined ? JSON.stringify(value.text) : `glob${String(value.wildcard)}`;
}
