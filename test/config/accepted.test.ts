import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/index.js';
import { withCron, withDaemon } from './configs.js';

/** Every form the checks allow, so a check too strict for real configs fails here. */
const accepted: [string, unknown][] = [
  ['the minimum: clusters alone', { clusters: {} }],
  ['region, and the bus by name', { region: 'us-gov-west-1', eventBusName: 'scheduler-results', clusters: {} }],
  ['the bus by ARN', { eventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/ops', clusters: {} }],
  ['an alarm topic of your own', { alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:on-call', clusters: {} }],
  ['a cluster by ARN', { clusters: { prod: { arn: 'arn:aws-cn:ecs:cn-north-1:123456789012:cluster/prod-main' } } }],
  ['family:revision', withDaemon({ taskDefinition: 'node-exporter:12' })],
  ['a full task definition ARN', withDaemon({ taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/node-exporter:3' })],
  ['a count budget', withDaemon({ maxUnavailable: 3 })],
  ['the whole fleet at once', withDaemon({ maxUnavailable: '100%' })],
  ['a constraint', withDaemon({ constraint: 'attribute:ecs.instance-type =~ g4dn.*' })],
  ['copies kept when the rule leaves the stack', withDaemon({ removalPolicy: 'retain' })],
  ['runs stopped when the rule leaves the stack', withCron({ stopRunsOnRemoval: true })],
  ['copies allowed to stop when no instance is eligible', withDaemon({ constraint: 'attribute:pool == spot', allowNoEligibleInstances: true })],
  ['49 tags (the rule tag makes 50), an empty value', withDaemon({ tags: { ...Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v'])), empty: '' } })],
  [
    'every override ECS takes',
    withDaemon({
      overrides: {
        cpu: '256',
        memory: '512',
        taskRoleArn: 'arn:aws:iam::123456789012:role/exporter',
        executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
        ephemeralStorage: { sizeInGiB: 30 },
        containerOverrides: [
          {
            name: 'exporter',
            command: ['--web.listen-address=:9100'],
            environment: [{ name: 'LOG_LEVEL', value: 'debug' }],
            environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::config/exporter.env' }],
            cpu: 128,
            memory: 256,
            memoryReservation: 128,
            resourceRequirements: [{ type: 'GPU', value: '1' }],
          },
        ],
      },
    }),
  ],
  ['a one-off run in a zone', withCron({ schedule: 'at(2026-12-24T18:00:00)', timeZone: 'Europe/Paris' })],
  ['deadline limits', withCron({ startingDeadlineSeconds: 86_400, count: 100 })],
  // The run ledger recognizes a slot that ran, however long after ECS forgot its copies.
  ['a day-long window and a deadline of hours', withCron({ flexibleWindowMinutes: 1440, startingDeadlineSeconds: 7200 })],
  ['the roles a task definition names', withCron({ passRoles: ['arn:aws:iam::123456789012:role/report-task', 'arn:aws:iam::123456789012:role/ecs/exec'] })],
  ['suspended, no capacity retries', withCron({ suspend: true, retryOnCapacity: false })],
  [
    'every placement form',
    withCron({
      placement: {
        constraints: [{ type: 'memberOf', expression: 'task:group == reports' }, { type: 'distinctInstance' }],
        strategy: [{ type: 'spread', field: 'instanceId' }, { type: 'spread', field: 'host' }, { type: 'binpack', field: 'cpu' }, { type: 'random' }],
      },
    }),
  ],
  [
    'one name for a daemon rule and a cron rule (their startedBy prefixes differ)',
    { clusters: { prod: {} }, daemons: [{ name: 'agent', cluster: 'prod', taskDefinition: 'agent' }], crons: [{ name: 'agent', cluster: 'prod', taskDefinition: 'agent', schedule: 'rate(1 hour)' }] },
  ],
  [
    'a daemon rule and a cron rule whose names differ only in - (their stack outputs differ by prefix)',
    { clusters: { prod: {} }, daemons: [{ name: 'eu-digest', cluster: 'prod', taskDefinition: 'digest' }], crons: [{ name: 'eudigest', cluster: 'prod', taskDefinition: 'digest', schedule: 'rate(1 hour)' }] },
  ],
];

describe('validateConfig accepts', () => {
  it.each(accepted)('%s', (_case, config) => {
    expect(validateConfig(config)).toEqual({ ok: true, config });
  });
});
