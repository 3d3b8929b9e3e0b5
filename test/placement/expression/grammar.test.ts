import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../shared/placement/expression/index.js';
import { render } from './render.js';

function parsed(source: string): string {
  return render(parseExpression(source));
}

describe('operators, in symbol and word form', () => {
  it.each([
    ['attribute:stack == prod', 'attribute:stack equals "prod"'],
    ['attribute:stack equals prod', 'attribute:stack equals "prod"'],
    ['attribute:stack != prod', 'attribute:stack not_equals "prod"'],
    ['attribute:stack not_equals prod', 'attribute:stack not_equals "prod"'],
    ['attribute:cores > 4', 'attribute:cores greater_than "4"'],
    ['attribute:cores greater_than 4', 'attribute:cores greater_than "4"'],
    ['attribute:cores >= 4', 'attribute:cores greater_than_equal "4"'],
    ['attribute:cores greater_than_equal 4', 'attribute:cores greater_than_equal "4"'],
    ['attribute:cores < 4', 'attribute:cores less_than "4"'],
    ['attribute:cores less_than 4', 'attribute:cores less_than "4"'],
    ['attribute:cores <= 4', 'attribute:cores less_than_equal "4"'],
    ['attribute:cores less_than_equal 4', 'attribute:cores less_than_equal "4"'],
    ['attribute:stack exists', 'attribute:stack exists'],
    ['attribute:stack !exists', 'attribute:stack not_exists'],
    ['attribute:stack not_exists', 'attribute:stack not_exists'],
    ['attribute:stack in [prod, dev]', 'attribute:stack in ["prod", "dev"]'],
    ['attribute:stack !in [prod, dev]', 'attribute:stack not_in ["prod", "dev"]'],
    ['attribute:stack not_in [prod, dev]', 'attribute:stack not_in ["prod", "dev"]'],
    ['attribute:stack =~ pr.*', 'attribute:stack matches /^(?:pr.*)$/'],
    ['attribute:stack matches pr.*', 'attribute:stack matches /^(?:pr.*)$/'],
    ['attribute:stack !~ pr.*', 'attribute:stack not_matches /^(?:pr.*)$/'],
    ['attribute:stack not_matches pr.*', 'attribute:stack not_matches /^(?:pr.*)$/'],
  ])('%s', (source, tree) => {
    expect(parsed(source)).toBe(tree);
  });
});

describe('Boolean operators and precedence (not > and > or)', () => {
  const [a, b, c] = ['attribute:a == 1', 'attribute:b == 2', 'attribute:c == 3'];
  const [A, B, C] = ['attribute:a equals "1"', 'attribute:b equals "2"', 'attribute:c equals "3"'];
  it.each([
    [`${a} and ${b}`, `(${A} and ${B})`],
    [`${a} && ${b}`, `(${A} and ${B})`],
    [`${a} or ${b}`, `(${A} or ${B})`],
    [`${a} || ${b}`, `(${A} or ${B})`],
    [`not ${a}`, `not(${A})`],
    [`!${a}`, `not(${A})`],
    [`! ${a}`, `not(${A})`],
    [`not(${a})`, `not(${A})`],
    [`!(${a})`, `not(${A})`],
    [`not not ${a}`, `not(not(${A}))`],
    [`${a} or ${b} and ${c}`, `(${A} or (${B} and ${C}))`],
    [`${a} and ${b} or ${c}`, `((${A} and ${B}) or ${C})`],
    [`${a} || ${b} && ${c}`, `(${A} or (${B} and ${C}))`],
    [`(${a} or ${b}) and ${c}`, `((${A} or ${B}) and ${C})`],
    [`${a} and (${b} or ${c})`, `(${A} and (${B} or ${C}))`],
    [`not ${a} and ${b}`, `(not(${A}) and ${B})`],
    [`not ${a} or ${b}`, `(not(${A}) or ${B})`],
    [`not (${a} or ${b})`, `not((${A} or ${B}))`],
    [`${a} or not ${b} and ${c}`, `(${A} or (not(${B}) and ${C}))`],
    [`${a} or ${b} or ${c}`, `((${A} or ${B}) or ${C})`],
    [`${a} and ${b} and ${c}`, `((${A} and ${B}) and ${C})`],
    [`((${a}))`, A],
    [`(${a} and (${b} or (${c} and not ${a})))`, `(${A} and (${B} or (${C} and not(${A}))))`],
    [`${a}&&${b}||!${c}`, `((${A} and ${B}) or not(${C}))`],
  ])('%s', (source, tree) => {
    expect(parsed(source)).toBe(tree);
  });
});

describe('values', () => {
  it.each([
    ['attribute:stack in [prod]', 'attribute:stack in ["prod"]'],
    ['attribute:stack in [ prod ,dev,qa ]', 'attribute:stack in ["prod", "dev", "qa"]'],
    [`attribute:stack in ['prod', "dev", qa]`, 'attribute:stack in ["prod", "dev", "qa"]'],
    ["attribute:owner == 'John Smith'", 'attribute:owner equals "John Smith"'],
    ['attribute:owner == "a, b (c) [d]"', 'attribute:owner equals "a, b (c) [d]"'],
    ["attribute:word == 'and'", 'attribute:word equals "and"'],
    ['attribute:path == C:\\data/x@y', 'attribute:path equals "C:\\\\data/x@y"'],
    ['attribute:ecs.instance-type == t2.*', 'attribute:ecs.instance-type equals glob/^t2\\..*$/'],
    ["attribute:ecs.instance-type == 't2.*'", 'attribute:ecs.instance-type equals glob/^t2\\..*$/'],
    ['attribute:ecs.instance-type != *.2xlarge', 'attribute:ecs.instance-type not_equals glob/^.*\\.2xlarge$/'],
    [
      'attribute:ecs.instance-type in [t2.*, m5.large]',
      'attribute:ecs.instance-type in [glob/^t2\\..*$/, "m5.large"]',
    ],
    ["attribute:ecs.instance-type =~ '(t3|m5)\\..*'", 'attribute:ecs.instance-type matches /^(?:(t3|m5)\\..*)$/'],
    ['attribute:stack==prod&&runningTasksCount<3', '(attribute:stack equals "prod" and runningTasksCount less_than 3)'],
    ['task:group == family:and-more', 'taskGroup equals "family:and-more"'],
    ['attribute:Stack == Prod', 'attribute:Stack equals "Prod"'],
    ['attribute:stack ==\n\tprod', 'attribute:stack equals "prod"'],
  ])('%s', (source, tree) => {
    expect(parsed(source)).toBe(tree);
  });
});

describe('subjects and their typed values', () => {
  it.each([
    ['agentConnected == true', 'agentConnected equals "true"'],
    ['agentConnected in [false]', 'agentConnected in ["false"]'],
    ['agentConnected =~ t.*', 'agentConnected matches /^(?:t.*)$/'],
    ['agentVersion >= 1.14', 'agentVersion greater_than_equal v1.14'],
    ['agentVersion != 2', 'agentVersion not_equals v2'],
    ['ec2InstanceId != i-abcd1234', 'ec2InstanceId not_equals "i-abcd1234"'],
    ['ec2InstanceId =~ i-0.*', 'ec2InstanceId matches /^(?:i-0.*)$/'],
    ['runningTasksCount >= 10', 'runningTasksCount greater_than_equal 10'],
    ['registeredAt > 2018-06-18T22:28:28+00:00', 'registeredAt greater_than 2018-06-18T22:28:28.000Z'],
    ['registeredAt > 2018-06-18T22:28:28+02:30', 'registeredAt greater_than 2018-06-18T19:58:28.000Z'],
    ['registeredAt > 2018-06-18T22:28:28-05:00', 'registeredAt greater_than 2018-06-19T03:28:28.000Z'],
    ['registeredAt > 2018-06-18T22:28:28Z', 'registeredAt greater_than 2018-06-18T22:28:28.000Z'],
    ['registeredAt > 2018-06-18T22:28:28', 'registeredAt greater_than 2018-06-18T22:28:28.000Z'],
    ['registeredAt > 2018-06-18', 'registeredAt greater_than 2018-06-18T00:00:00.000Z'],
    ['registeredAt < 2020-02-29', 'registeredAt less_than 2020-02-29T00:00:00.000Z'],
    ['task:group !in [database, cache]', 'taskGroup not_in ["database", "cache"]'],
  ])('%s', (source, tree) => {
    expect(parsed(source)).toBe(tree);
  });
});

describe('every example in the docs parses', () => {
  // "Cluster query language" (expression examples) and "Task placement constraints" (filtering
  // by attribute, example constraints) in the Amazon ECS Developer Guide.
  it.each([
    ['attribute:ecs.instance-type == t2.small', 'attribute:ecs.instance-type equals "t2.small"'],
    [
      'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]',
      'attribute:ecs.availability-zone in ["us-east-1a", "us-east-1b"]',
    ],
    [
      'attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d',
      '(attribute:ecs.instance-type matches /^(?:g2.*)$/ and attribute:ecs.availability-zone not_equals "us-east-1d")',
    ],
    ['task:group == service:production', 'taskGroup equals "service:production"'],
    ['not(task:group == database)', 'not(taskGroup equals "database")'],
    ['runningTasksCount == 1', 'runningTasksCount equals 1'],
    ['agentVersion < 1.14.5', 'agentVersion less_than v1.14.5'],
    ['registeredAt < 2018-02-13', 'registeredAt less_than 2018-02-13T00:00:00.000Z'],
    ['registeredAt < 2018-07-10', 'registeredAt less_than 2018-07-10T00:00:00.000Z'],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", 'ec2InstanceId in ["i-abcd1234", "i-wxyx7890"]'],
    ['attribute:ecs.instance-type == g2.2xlarge', 'attribute:ecs.instance-type equals "g2.2xlarge"'],
    ['attribute:stack == prod', 'attribute:stack equals "prod"'],
    ['attribute:stack != prod', 'attribute:stack not_equals "prod"'],
    [
      'attribute:ecs.instance-type in [t2.small, t2.medium]',
      'attribute:ecs.instance-type in ["t2.small", "t2.medium"]',
    ],
    [
      'attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a',
      '(attribute:ecs.instance-type matches /^(?:t2.*)$/ and attribute:ecs.availability-zone equals "us-east-1a")',
    ],
    ['attribute:ecs.instance-type =~ t2.*', 'attribute:ecs.instance-type matches /^(?:t2.*)$/'],
    ['task:group == databases', 'taskGroup equals "databases"'],
  ])('%s', (source, tree) => {
    expect(parsed(source)).toBe(tree);
  });
});

describe('the tree', () => {
  it('records where each comparison starts, for later messages', () => {
    const expression = parseExpression('attribute:a == 1 or  task:group == x');
    expect(expression.kind === 'or' && [expression.left, expression.right]).toMatchObject([
      { position: 0 },
      { position: 21 },
    ]);
  });
});
