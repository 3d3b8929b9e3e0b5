import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requiredEnv, ruleFromEnv, rulesFromFile } from '../../lambdas/environment.js';

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

describe('rulesFromFile', () => {
  const folder = mkdtempSync(join(tmpdir(), 'rules-file-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  };

  it('reads the list of rules a cron runner serves from the file the variable names, every field of each', () => {
    const rules = [
      { name: 'nightly', cluster: 'prod', taskDefinition: 'report:3', schedule: 'cron(0 2 * * ? *)', count: 2 },
      { name: 'cleanup', cluster: 'prod', taskDefinition: 'cleanup', schedule: 'rate(1 hour)' },
    ];
    vi.stubEnv(VARIABLE, write('rules.json', JSON.stringify(rules)));
    expect(rulesFromFile(VARIABLE)).toEqual(rules);
  });

  it('names the variable when it is not set', () => {
    vi.stubEnv(VARIABLE, undefined);
    expect(() => rulesFromFile(VARIABLE)).toThrow(`Environment variable ${VARIABLE} is not set`);
  });

  it('names a missing file, and says its layer is missing', () => {
    const missing = join(folder, 'absent.json');
    vi.stubEnv(VARIABLE, missing);
    expect(() => rulesFromFile(VARIABLE)).toThrow(`Rules file ${missing} (environment variable ${VARIABLE}) does not exist (the runner's rules layer is missing)`);
  });

  it('names a file that is not JSON', () => {
    const file = write('broken.json', '[{ name: ');
    vi.stubEnv(VARIABLE, file);
    expect(() => rulesFromFile(VARIABLE)).toThrow(`Rules file ${file} (environment variable ${VARIABLE}) cannot be read as JSON`);
  });

  it.each([
    ['one rule, not a list', { name: 'nightly', cluster: 'prod', taskDefinition: 'report' }],
    ['an empty list', []],
    ['a rule without its cluster', [{ name: 'nightly', taskDefinition: 'report' }]],
  ])('refuses %s, naming the file', (_, value) => {
    const file = write('wrong.json', JSON.stringify(value));
    vi.stubEnv(VARIABLE, file);
    expect(() => rulesFromFile(VARIABLE)).toThrow(`Rules file ${file} (environment variable ${VARIABLE}) does not hold a list of rules`);
  });
});
