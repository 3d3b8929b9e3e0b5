import { afterEach, describe, expect, it, vi } from 'vitest';
import { requiredEnv, ruleFromEnv, rulesFromEnv } from '../../lambdas/environment.js';

const VARIABLE = 'ECS_SCHEDULERS_TEST_RULE';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('requiredEnv', () => {
  it('reads the variable', () => {
    vi.stubEnv(VARIABLE, 'scheduler-results');
    expect(requiredEnv(VARIABLE)).toBe('scheduler-results');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('names a %s variable, and says the stack sets it', (_, value) => {
    vi.stubEnv(VARIABLE, value);
    expect(() => requiredEnv(VARIABLE)).toThrow(`Environment variable ${VARIABLE} is not set; the stack sets it for every scheduler function`);
  });
});

describe('ruleFromEnv', () => {
  it('reads the rule the stack wrote as JSON, every field of it', () => {
    const rule = { name: 'nightly', cluster: 'prod', taskDefinition: 'report:3', schedule: 'cron(0 2 * * ? *)', count: 2, placement: { strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] } };
    vi.stubEnv(VARIABLE, JSON.stringify(rule));
    expect(ruleFromEnv(VARIABLE)).toEqual(rule);
  });

  it('names a missing variable', () => {
    vi.stubEnv(VARIABLE, undefined);
    expect(() => ruleFromEnv(VARIABLE)).toThrow(`Environment variable ${VARIABLE} is not set`);
  });

  it('names a variable that is not JSON', () => {
    vi.stubEnv(VARIABLE, "{ name: 'nightly' }");
    expect(() => ruleFromEnv(VARIABLE)).toThrow(`Environment variable ${VARIABLE} is not JSON`);
  });

  it.each([
    ['a rule without a name', { cluster: 'prod', taskDefinition: 'report' }],
    ['a rule without a cluster', { name: 'nightly', taskDefinition: 'report' }],
    ['a rule without a task definition', { name: 'nightly', cluster: 'prod' }],
    ['a rule whose name is not text', { name: 7, cluster: 'prod', taskDefinition: 'report' }],
    ['an array', [{ name: 'nightly', cluster: 'prod', taskDefinition: 'report' }]],
    ['a string', 'nightly'],
    ['null', null],
  ])('refuses %s, naming the variable and the fields a rule needs', (_, value) => {
    vi.stubEnv(VARIABLE, JSON.stringify(value));
    expect(() => ruleFromEnv(VARIABLE)).toThrow(`Environment variable ${VARIABLE} does not hold a rule (name, cluster and taskDefinition are required)`);
  });
});

describe('rulesFromEnv', () => {
  it('reads the list of rules a cron runner serves, every field of each', () => {
    const rules = [
      { name: 'nightly', cluster: 'prod', taskDefinition: 'report:3', schedule: 'cron(0 2 * * ? *)', count: 2 },
      { name: 'cleanup', cluster: 'prod', taskDefinition: 'cleanup', schedule: 'rate(1 hour)' },
    ];
    vi.stubEnv(VARIABLE, JSON.stringify(rules));
    expect(rulesFromEnv(VARIABLE)).toEqual(rules);
  });

  it.each([
    ['one rule, not a list', { name: 'nightly', cluster: 'prod', taskDefinition: 'report' }],
    ['an empty list', []],
    ['a rule without its cluster', [{ name: 'nightly', taskDefinition: 'report' }]],
  ])('refuses %s', (_, value) => {
    vi.stubEnv(VARIABLE, JSON.stringify(value));
    expect(() => rulesFromEnv(VARIABLE)).toThrow(`Environment variable ${VARIABLE} does not hold a list of rules`);
  });
});
