import { describe, expect, it } from 'vitest';
import { ConfigValidationError, loadConfig, validateConfig } from '../../shared/config/index.js';
import { CRON, DAEMON } from './configs.js';

/** Mistakes in every section at once: the top level, a cluster, a daemon rule, two cron rules, and across rules. */
const BROKEN = {
  eventBusName: '',
  clusters: { prod: { arn: 'prod' } },
  daemons: [{ ...DAEMON, cluster: 'staging', maxUnavailable: '25' }],
  crons: [
    { ...CRON, schedule: 'cron(0 25 * * ? *)', count: 0 },
    { ...CRON, name: 'cache-warmer', schedule: 'rate(15 minute)', overlapPolicy: 'Skip' },
  ],
};

const EXPECTED = [
  {
    path: 'eventBusName',
    message: 'eventBusName: must be an event bus name (1-256 letters, digits, . - _ or /) or an event bus ARN, found ""',
  },
  {
    path: 'clusters.prod.arn',
    message: 'cluster "prod": arn: must be a cluster ARN such as arn:aws:ecs:us-east-1:123456789012:cluster/NAME, found "prod"',
  },
  {
    path: 'daemons[node-exporter].maxUnavailable',
    rule: 'node-exporter',
    message:
      'daemon rule "node-exporter": maxUnavailable: must be a whole number of 1 or more, or a percentage from 1% to 100% such as "25%", found "25"',
  },
  {
    path: 'crons[nightly-report].count',
    rule: 'nightly-report',
    message: 'cron rule "nightly-report": count: must be a whole number from 1 to 100, found 0',
  },
  {
    path: 'crons[nightly-report].schedule',
    rule: 'nightly-report',
    message: 'cron rule "nightly-report": schedule: Invalid schedule "cron(0 25 * * ? *)": hours must be 0-23, found 25',
  },
  {
    path: 'crons[cache-warmer].overlapPolicy',
    rule: 'cache-warmer',
    message: 'cron rule "cache-warmer": overlapPolicy: must be "Allow", "Forbid" or "Replace", found "Skip"',
  },
  {
    path: 'crons[cache-warmer].schedule',
    rule: 'cache-warmer',
    message: 'cron rule "cache-warmer": schedule: Invalid schedule "rate(15 minute)": rate(): use "minutes" with 15, found "minute"',
  },
  {
    path: 'daemons[node-exporter].cluster',
    rule: 'node-exporter',
    message: 'daemon rule "node-exporter": cluster: must be the name of a cluster defined under clusters: "prod", found "staging"',
  },
];

describe('a config with many mistakes', () => {
  it('gets every one reported at once, each with its path and rule', () => {
    expect(validateConfig(BROKEN)).toEqual({ ok: false, errors: EXPECTED });
  });

  it('makes loadConfig throw one error listing them all, one per line', () => {
    let thrown: unknown;
    try {
      loadConfig(BROKEN);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    const error = thrown as ConfigValidationError;
    expect(error.errors).toEqual(EXPECTED);
    expect(error.message).toBe(['Invalid scheduler config (8 errors):', ...EXPECTED.map((e) => e.message)].join('\n'));
  });

  it('names an unnamed rule by its position in the path', () => {
    const result = validateConfig({ clusters: { prod: {} }, daemons: [{ cluster: 'prod', taskDefinition: 'x', maxUnavailable: 0 }] });
    expect(result.ok ? [] : result.errors.map(({ path, rule }) => ({ path, rule }))).toEqual([
      { path: 'daemons[0].name', rule: undefined },
      { path: 'daemons[0].maxUnavailable', rule: undefined },
    ]);
  });
});
