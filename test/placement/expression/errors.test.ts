import { describe, expect, it } from 'vitest';
import { ExpressionSyntaxError, parseExpression } from '../../../shared/placement/expression/index.js';

function syntaxError(source: string): ExpressionSyntaxError {
  try {
    parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
}

const SUBJECTS =
  'agentConnected, agentVersion, attribute:NAME, ec2InstanceId, registeredAt, runningTasksCount or task:group';
const ATTRIBUTE_OPERATORS = '==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~';
const DATES = '2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 or 2018-06-18';
const CASE = 'the language is case-sensitive: did you mean';

describe('invalid expressions say where and what was expected', () => {
  it.each([
    // empty or missing pieces
    ['', 0, "expected a subject, 'not' or '(', found end of expression"],
    ['   ', 3, "expected a subject, 'not' or '(', found end of expression"],
    ['attribute:stack prod', 16, `expected an operator for attribute:stack (${ATTRIBUTE_OPERATORS}), found 'prod'`],
    ['attribute:stack', 15, `expected an operator for attribute:stack (${ATTRIBUTE_OPERATORS}), found end of expression`],
    ['attribute:stack ==', 18, "expected a value after '==', found end of expression"],
    ['attribute:stack == and runningTasksCount == 1', 19, "expected a value after '==', found 'and'"],
    ['attribute:stack == [prod]', 19, "expected a value after '==', found '['"],
    ['attribute:stack == prod and', 27, "expected a subject, 'not' or '(' after 'and', found end of expression"],
    ['attribute:stack == prod or', 26, "expected a subject, 'not' or '(' after 'or', found end of expression"],
    ['not', 3, "expected a subject, 'not' or '(' after 'not', found end of expression"],
    ['()', 1, "expected a subject, 'not' or '(' after '(', found ')'"],
    ['attribute:stack == prod runningTasksCount == 1', 24, "expected 'and', 'or' or end of expression, found 'runningTasksCount'"],
    // subjects
    ['foo == bar', 0, `expected a subject (${SUBJECTS}), found 'foo'`],
    ['task:groups == x', 0, `expected a subject (${SUBJECTS}), found 'task:groups'`],
    ['attribute: == prod', 11, "expected an attribute name after 'attribute:', found '=='"],
    ['attribute:stack:env == prod', 15, "expected an attribute name of letters, digits, '-', '_', '.', '/' or '\\', found ':'"],
    [`attribute:${'a'.repeat(129)} exists`, 138, 'expected an attribute name of at most 128 characters, found 129 characters'],
    // operators not valid for the subject
    ['agentVersion in [1.14.5]', 13, "expected an operator for agentVersion (==, !=, >, >=, <, <=), found 'in'"],
    ['task:group > service:web', 11, "expected an operator for task:group (==, !=, in, !in, =~, !~), found '>'"],
    ['ec2InstanceId exists', 14, "expected an operator for ec2InstanceId (==, !=, in, !in, =~, !~), found 'exists'"],
    ['attribute:stack !inx [a]', 16, `expected an operator for attribute:stack (${ATTRIBUTE_OPERATORS}), found '!'`],
    // parentheses and lists
    ['(attribute:stack == prod', 24, "expected 'and', 'or' or ')' to close the '(' at position 0, found end of expression"],
    ['((attribute:stack == prod)', 26, "expected 'and', 'or' or ')' to close the '(' at position 0, found end of expression"],
    ['attribute:stack == prod)', 23, "expected 'and', 'or' or end of expression, found ')'"],
    ['attribute:stack in [prod, dev', 29, "expected ',' or ']' to close the list opened at position 19, found end of expression"],
    ['attribute:stack in [prod dev]', 25, "expected ',' or ']' to close the list opened at position 19, found 'dev'"],
    ['attribute:stack in [prod, ]', 26, "expected a value after ',', found ']'"],
    ['attribute:stack in []', 20, "expected a value after '[', found ']'"],
    ['attribute:stack in prod', 19, "expected '[' to start a list after 'in', found 'prod'"],
    ['attribute:stack in', 18, "expected '[' to start a list after 'in', found end of expression"],
    ['attribute:stack == prod, dev', 23, "expected 'and', 'or' or end of expression, found ','"],
    // stray characters
    ['attribute:stack = prod', 16, "expected '==' or '=~', found '='"],
    ['attribute:stack ~ prod', 16, "expected '=~' or '!~', found '~'"],
    ['attribute:stack == prod & runningTasksCount == 1', 24, "expected '&&' (quote a value that contains '&'), found '&'"],
    ['attribute:stack == prod | runningTasksCount == 1', 24, "expected '||' (quote a value that contains '|'), found '|'"],
    ["attribute:owner == 'John Smith", 30, "expected a closing ' for the value quoted at position 19, found end of expression"],
    ['attribute:x =~ c[m5].*', 16, "expected a space after 'c' (quote a value that holds brackets or parentheses), found '['"],
    // regular expressions
    ["attribute:ecs.instance-type =~ 'g2['", 31, "expected a valid regular expression (Unterminated character class), found 'g2['"],
    ['attribute:ecs.instance-type =~ *g2', 31, "expected a valid regular expression (Nothing to repeat), found '*g2'"],
    ["attribute:a =~ 'x{2,1}'", 15, "expected a valid regular expression (numbers out of order in {} quantifier), found 'x{2,1}'"],
    // typed values
    ['runningTasksCount == one', 21, "expected a whole number, found 'one'"],
    ['runningTasksCount == -1', 21, "expected a whole number, found '-1'"],
    ['registeredAt < 2018-02-30', 15, `expected a date as ${DATES}, found '2018-02-30'`],
    ['registeredAt < 18-02-2018', 15, `expected a date as ${DATES}, found '18-02-2018'`],
    ['registeredAt < 2018-06-18T22:28:28+0000', 15, `expected a date as ${DATES}, found '2018-06-18T22:28:28+0000'`],
    ['agentVersion < 1.14.x', 15, "expected an agent version such as 1.14.5, found '1.14.x'"],
    ['agentConnected == yes', 18, "expected 'true' or 'false', found 'yes'"],
    // case sensitivity
    ['RunningTasksCount == 1', 0, `expected a subject (${SUBJECTS}), found 'RunningTasksCount' (${CASE} 'runningTasksCount'?)`],
    ['Not(task:group == database)', 0, `expected a subject (${SUBJECTS}), found 'Not' (${CASE} 'not'?)`],
    ['attribute:stack EQUALS prod', 16, `expected an operator for attribute:stack (${ATTRIBUTE_OPERATORS}), found 'EQUALS' (${CASE} 'equals'?)`],
    ['attribute:stack == prod AND runningTasksCount == 1', 24, `expected 'and', 'or' or end of expression, found 'AND' (${CASE} 'and'?)`],
  ])('%j at %i', (source, position, detail) => {
    const error = syntaxError(source);
    expect(error.position).toBe(position);
    expect(error.message).toBe(
      `Invalid constraint expression at position ${position}: ${detail}\n  ${source}\n  ${' '.repeat(position)}^`,
    );
  });
});

describe('ExpressionSyntaxError', () => {
  it('carries the source, the position and what was expected', () => {
    const error = syntaxError('attribute:stack in [prod, ]');
    expect(error).toMatchObject({
      name: 'ExpressionSyntaxError',
      source: 'attribute:stack in [prod, ]',
      position: 26,
      expected: "a value after ','",
    });
    expect(error.message).toBe(
      "Invalid constraint expression at position 26: expected a value after ',', found ']'\n" +
        '  attribute:stack in [prod, ]\n' +
        '                            ^',
    );
  });

  it('shows only the offending line of a multi-line expression, caret aligned past tabs', () => {
    const error = syntaxError('attribute:stack == prod and\n\trunningTasksCount == one');
    expect(error.position).toBe(50);
    expect(error.message).toBe(
      "Invalid constraint expression at position 50: expected a whole number, found 'one'\n" +
        '  \trunningTasksCount == one\n' +
        '  \t                     ^',
    );
  });

  it('rejects expressions longer than the 2000 characters ECS accepts', () => {
    const source = `${'attribute:a == b or '.repeat(100)}attribute:a == b`;
    expect(source).toHaveLength(2016);
    const error = syntaxError(source);
    expect([error.position, error.message.split('\n')[0]]).toEqual([
      2000,
      'Invalid constraint expression at position 2000: expected at most 2000 characters (the ECS limit), found 2016 characters',
    ]);
  });

  it('accepts an expression of exactly 2000 characters', () => {
    const source = `attribute:a == ${'b'.repeat(1985)}`;
    expect(source).toHaveLength(2000);
    expect(parseExpression(source).kind).toBe('text');
  });
});
