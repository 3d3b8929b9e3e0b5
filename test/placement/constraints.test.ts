import { describe, expect, it } from 'vitest';
import { compileConstraints } from '../../shared/placement/constraints.js';
import { ExpressionSyntaxError } from '../../shared/placement/expression/index.js';
import type { PlacementConstraint } from '../../shared/placement/types.js';
import { databaseHost, gpuHost, smallHost } from './expression/fixtures.js';

describe('compileConstraints', () => {
  it('has no memberOf test when there are no expressions', () => {
    expect(compileConstraints([{ type: 'distinctInstance' }])).toEqual({
      memberOf: undefined,
      distinctInstance: true,
      readsTaskGroups: false,
    });
  });

  it('requires every memberOf expression to hold', () => {
    const { memberOf } = compileConstraints([
      { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' },
      { type: 'memberOf', expression: 'agentConnected == true' },
    ]);
    expect([gpuHost, smallHost, databaseHost].map((host) => memberOf!(host))).toEqual([false, false, true]);
  });

  it.each<[PlacementConstraint[], boolean]>([
    [[{ type: 'memberOf', expression: 'attribute:stack == prod and runningTasksCount < 3' }], false],
    [[{ type: 'memberOf', expression: 'attribute:a exists or not(attribute:b == c and task:group == x)' }], true],
    [[{ type: 'memberOf', expression: 'task:group != database' }], true],
    [[{ type: 'distinctInstance' }], false],
  ])('%j reads task groups: %s', (constraints, reads) => {
    expect(compileConstraints(constraints).readsTaskGroups).toBe(reads);
  });

  it('throws the syntax error of a memberOf expression that does not parse', () => {
    expect(() => compileConstraints([{ type: 'memberOf', expression: 'runningTasksCount < many' }])).toThrow(
      ExpressionSyntaxError,
    );
  });
});
