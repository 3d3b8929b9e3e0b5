import { describe, expect, it } from 'vitest';
import type { InstanceFacts } from '../../../shared/placement/expression/index.js';
import {
  evaluate,
  parseExpression,
} from '../../../shared/placement/expression/index.js';
import { databaseHost, gpuHost, smallHost } from './fixtures.js';

type Row = [source: string, gpu: boolean, small: boolean, database: boolean];

function check(rows: Row[]): void {
  it.each(rows)('%s -> gpu %s, small %s, database %s', (source, gpu, small, database) => {
    const expression = parseExpression(source);
    expect([gpuHost, smallHost, databaseHost].map((instance) => evaluate(expression, instance))).toEqual([
      gpu,
      small,
      database,
    ]);
  });
}

describe('the documented examples select what the docs say', () => {
  check([
    // "selects instances with the specified instance type"
    ['attribute:ecs.instance-type == t2.small', false, true, false],
    // "selects instances in the us-east-1a or us-east-1b Availability Zone"
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', true, false, true],
    // "selects G2 instances that are not in the us-east-1d Availability Zone"
    ['attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d', true, false, false],
    // "selects instances that are hosting tasks in the service:production group"
    ['task:group == service:production', true, false, false],
    // "selects instances that are not hosting tasks in the database group"
    ['not(task:group == database)', true, true, false],
    // "selects instances that are only running one task"
    ['runningTasksCount == 1', true, false, false],
    // "running a container agent version below 1.14.5"
    ['agentVersion < 1.14.5', false, true, false],
    // "registered before February 13, 2018"
    ['registeredAt < 2018-02-13', false, true, false],
    // "selects instances with the following Amazon EC2 instance IDs"
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true, true, false],
    // "lists the instances with the custom attribute stack=prod"
    ['attribute:stack == prod', true, false, false],
    // "lists the instances with the custom attribute stack unless the attribute value is prod"
    ['attribute:stack != prod', false, true, false],
    // "list the instances of type t2.small or t2.medium"
    ['attribute:ecs.instance-type in [t2.small, t2.medium]', false, true, true],
    // "list the T2 instances in the us-east-1a Availability Zone"
    ['attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a', false, false, true],
    // "place tasks on T2 instances"
    ['attribute:ecs.instance-type =~ t2.*', false, true, true],
    // "place tasks on instances in the databases task group" (our fixture's group is 'database')
    ['task:group == databases', false, false, false],
  ]);
});

describe('attributes', () => {
  check([
    ['attribute:stack exists', true, true, false],
    ['attribute:stack !exists', false, false, true],
    ['attribute:stack not_exists', false, false, true],
    // An attribute without a value exists, but has no value to compare.
    ['attribute:com.amazonaws.ecs.capability.docker-remote-api.1.17 exists', true, false, false],
    ['attribute:com.amazonaws.ecs.capability.docker-remote-api.1.17 == x', false, false, false],
    ['attribute:com.amazonaws.ecs.capability.docker-remote-api.1.17 != x', false, false, false],
    // Absent attributes satisfy no value comparison, negated ones included.
    ['attribute:stack !in [prod]', false, true, false],
    ['attribute:stack !~ p.*', false, true, false],
    ['attribute:stack == Prod', false, false, false],
    ['attribute:Stack == prod', false, false, false],
    // Patterns match the whole value.
    ['attribute:stack =~ pro', false, false, false],
    ['attribute:stack =~ .*ro.*', true, false, false],
    ["attribute:ecs.instance-type =~ '(g2|t2)\\.(2xlarge|small)'", true, true, false],
    // Ordering: numbers as numbers ('16' > '8'), other text by code units.
    ['attribute:cores > 8', false, false, true],
    ['attribute:cores <= 16.0', false, false, true],
    ['attribute:ecs.instance-type < t2.n', true, false, true],
  ]);
});

describe('wildcards in ==, != and lists', () => {
  check([
    ['attribute:ecs.instance-type == t2.*', false, true, true],
    ['attribute:ecs.instance-type != t2.*', true, false, false],
    ['attribute:ecs.instance-type == *.2xlarge', true, false, false],
    ['attribute:ecs.instance-type == t2*medium', false, false, true],
    ["attribute:ecs.instance-type == '*'", true, true, true],
    // Without '*' the comparison is exact, and '.' is a plain dot.
    ['attribute:ecs.instance-type == t2.', false, false, false],
    ['attribute:ecs.instance-type == t2.smal?', false, false, false],
    ['attribute:ecs.instance-type in [g2.*, t2.small]', true, true, false],
    ['attribute:ecs.instance-type !in [g2.*, t2.small]', false, false, true],
    ['task:group == family:*', false, false, true],
  ]);
});

describe('task:group holds when some task on the instance satisfies it', () => {
  check([
    ['task:group == database', false, false, true],
    ['task:group != database', true, false, true],
    ['task:group in [database, cache]', false, false, true],
    ['task:group !in [database]', true, false, true],
    ['not(task:group in [database, service:production])', false, true, false],
    ['task:group =~ family:.*', false, false, true],
    ['task:group !~ family:.*', true, false, true],
  ]);
});

describe('other subjects', () => {
  check([
    ['agentConnected == true', true, false, true],
    ['agentConnected == false', false, true, false],
    ['agentConnected != true', false, true, false],
    ['agentConnected !in [true]', false, true, false],
    ['agentConnected =~ f.*', false, true, false],
    ['agentVersion == 1.14.5', false, false, true],
    ['agentVersion != 1.79', false, true, true],
    ['agentVersion > 1.14.4', true, false, true],
    ['agentVersion >= 1.14', true, true, true],
    ['agentVersion <= 1.14.5', false, true, true],
    ['agentVersion < 1.9', false, false, false],
    ['ec2InstanceId == i-abcd1234', true, false, false],
    ['ec2InstanceId =~ i-0.*', false, false, true],
    ["ec2InstanceId !in ['i-abcd1234']", false, true, true],
    ['runningTasksCount > 0', true, false, true],
    ['runningTasksCount >= 2', false, false, true],
    ['runningTasksCount <= 1', true, true, false],
    ['runningTasksCount != 1', false, true, true],
    ['runningTasksCount < 1', false, true, false],
    // Compared in whole seconds: the gpu host registered at 22:28:28.512.
    ['registeredAt == 2018-06-18T22:28:28Z', true, false, false],
    ['registeredAt >= 2018-02-13T00:00:00Z', true, false, true],
    ['registeredAt < 2018-02-13T01:00:00+01:00', false, true, false],
    ['registeredAt <= 2018-02-12T18:59:59-05:00', false, true, false],
    ['registeredAt > 2018-06-18T22:28:27', true, false, false],
    ['registeredAt != 2018-02-13', true, true, false],
  ]);
});

describe('Boolean combinations', () => {
  check([
    ['attribute:stack == prod or runningTasksCount == 2', true, false, true],
    // and binds tighter than or: dev or (prod and 2 tasks)
    ['attribute:stack == dev or attribute:stack == prod and runningTasksCount == 2', false, true, false],
    ['(attribute:stack == dev or attribute:stack == prod) and runningTasksCount == 1', true, false, false],
    // not binds tighter than and: (not exists) and busy
    ['not attribute:stack exists and runningTasksCount > 0', false, false, true],
    ['!(attribute:stack == prod || agentConnected == false)', false, false, true],
    ['not not task:group == database', false, false, true],
  ]);
});

describe('an agent version that cannot be read', () => {
  it('satisfies no version comparison, negated ones included', () => {
    const odd: InstanceFacts = { ...gpuHost, agentVersion: 'unknown' };
    expect(['agentVersion < 99', 'agentVersion != 1'].map((source) => evaluate(parseExpression(source), odd))).toEqual([false, false]);
  });
});
