import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/index.js';
import { withCron, withDaemon } from './configs.js';

const DAEMON_KEYS = 'name, cluster, taskDefinition, constraint, passRoles, overrides, tags, maxUnavailable, allowNoEligibleInstances, removalPolicy, sweepIntervalMinutes';
const CRON_KEYS =
  'name, cluster, taskDefinition, schedule, timeZone, flexibleWindowMinutes, count, placement, launch, overlapPolicy, ' +
  'startingDeadlineSeconds, maxRunSeconds, retryOnCapacity, retries, retryDelaySeconds, alarmOnFailure, stopRunsOnRemoval, suspend, passRoles, overrides, tags';

/** [where, config, path, message]: a misspelt key is refused at every level, and the allowed keys are listed. */
const cases: [string, unknown, string, string][] = [
  [
    'top level',
    { clusters: {}, regoin: 'us-east-1' },
    '',
    'config: unknown key "regoin" (allowed: region, eventBusName, alarmTopicArn, clusters, daemons, crons)',
  ],
  ['a cluster', { clusters: { prod: { name: 'prod' } } }, 'clusters.prod', 'cluster "prod": unknown key "name" (allowed: arn)'],
  [
    'a daemon rule',
    withDaemon({ constraints: 'attribute:stack == prod' }),
    'daemons[node-exporter]',
    `daemon rule "node-exporter": unknown key "constraints" (allowed: ${DAEMON_KEYS})`,
  ],
  [
    'a cron rule, two keys',
    withCron({ timezone: 'UTC', concurrencyPolicy: 'Forbid' }),
    'crons[nightly-report]',
    `cron rule "nightly-report": unknown keys "timezone", "concurrencyPolicy" (allowed: ${CRON_KEYS})`,
  ],
  [
    'placement',
    withCron({ placement: { placementStrategy: [] } }),
    'crons[nightly-report].placement',
    'cron rule "nightly-report": placement: unknown key "placementStrategy" (allowed: constraints, strategy)',
  ],
  [
    'a placement constraint',
    withCron({ placement: { constraints: [{ type: 'distinctInstance', expression: 'x' }] } }),
    'crons[nightly-report].placement.constraints[0]',
    'cron rule "nightly-report": placement.constraints[0]: unknown key "expression" (allowed: type)',
  ],
  [
    'a placement strategy',
    withCron({ placement: { strategy: [{ type: 'spread', field: 'host', weight: 1 }] } }),
    'crons[nightly-report].placement.strategy[0]',
    'cron rule "nightly-report": placement.strategy[0]: unknown key "weight" (allowed: type, field)',
  ],
  [
    'overrides',
    withDaemon({ overrides: { containerOverride: [] } }),
    'daemons[node-exporter].overrides',
    'daemon rule "node-exporter": overrides: unknown key "containerOverride" ' +
      '(allowed: containerOverrides, cpu, memory, taskRoleArn, executionRoleArn, ephemeralStorage)',
  ],
  [
    'a container override',
    withDaemon({ overrides: { containerOverrides: [{ name: 'exporter', env: [] }] } }),
    'daemons[node-exporter].overrides.containerOverrides[0]',
    'daemon rule "node-exporter": overrides.containerOverrides[0]: unknown key "env" ' +
      '(allowed: name, command, environment, environmentFiles, cpu, memory, memoryReservation, resourceRequirements)',
  ],
];

describe('unknown keys', () => {
  it.each(cases)('are refused in %s', (_where, config, path, message) => {
    expect(validateConfig(config)).toEqual({ ok: false, errors: [expect.objectContaining({ path, message })] });
  });
});
