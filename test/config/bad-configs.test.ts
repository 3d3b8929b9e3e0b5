import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/index.js';
import { CRON, DAEMON, withCron, withDaemon } from './configs.js';

const D = 'daemon rule "node-exporter"';
const C = 'cron rule "nightly-report"';
const TASK_DEFINITION =
  'must be a task definition family (1-255 letters, digits, - or _), family:revision, ' +
  'or a full ARN such as arn:aws:ecs:us-east-1:123456789012:task-definition/FAMILY:REVISION';
const BUDGET = 'must be a whole number of 1 or more, or a percentage from 1% to 100% such as "25%"';
const DEADLINE = 'must be a whole number from 10 to 86400 (EventBridge Scheduler retries a delivery for at most a day)';
const SPREAD = 'spread field must be "instanceId", "host" or "attribute:NAME"';
const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${i}`, 'x']));

/** [case, config, every message it must produce, in order] */
const cases: [string, unknown, string[]][] = [
  // Top level and clusters
  ['config not an object', 'prod', ['config: must be an object, found "prod"']],
  ['clusters missing', { crons: [] }, ['clusters: missing; must be an object of clusters by name, such as { prod: {} }']],
  ['region misspelt', { region: 'US-East-1', clusters: {} }, ['region: must be an AWS Region code such as us-east-1, found "US-East-1"']],
  [
    'event bus name with a space',
    { eventBusName: 'run results', clusters: {} },
    ['eventBusName: must be an event bus name (1-256 letters, digits, . - _ or /) or an event bus ARN, found "run results"'],
  ],
  [
    'alarm topic by name rather than ARN',
    { alarmTopicArn: 'on-call', clusters: {} },
    ['alarmTopicArn: must be the ARN of a standard SNS topic, found "on-call"'],
  ],
  [
    'cluster name with a space',
    { clusters: { 'prod east': {} } },
    ['cluster "prod east": must be a cluster name: 1-255 letters, digits, - or _, found "prod east"'],
  ],
  [
    'cluster ARN of a service',
    { clusters: { prod: { arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web' } } },
    ['cluster "prod": arn: must be a cluster ARN such as arn:aws:ecs:us-east-1:123456789012:cluster/NAME, found "arn:aws:ecs:us-east-1:123456789012:service/prod/web"'],
  ],
  ['daemons not a list', { clusters: {}, daemons: DAEMON }, ['daemons: must be a list, found an object']],

  // Daemon rules
  ['removalPolicy in the capitals of CDK', withDaemon({ removalPolicy: 'RETAIN' }), [`${D}: removalPolicy: must be "destroy" or "retain", found "RETAIN"`]],
  [
    'daemon name with a space',
    withDaemon({ name: 'node exporter' }),
    [
      `daemon rule "node exporter": name: must be 1-29 letters, digits, - or _ (it becomes part of each copy's startedBy, ` +
        'which ECS limits to 36 characters), found "node exporter"',
    ],
  ],
  [
    'daemon name of 30 characters',
    withDaemon({ name: 'x'.repeat(30) }),
    [
      `daemon rule "${'x'.repeat(30)}": name: must be 1-29 letters, digits, - or _ (it becomes part of each copy's startedBy, ` +
        `which ECS limits to 36 characters), found "${'x'.repeat(30)}"`,
    ],
  ],
  [
    'daemon name not a string: the rule is named by its position',
    withDaemon({ name: 7 }),
    [
      "daemons[0]: name: must be 1-29 letters, digits, - or _ (it becomes part of each copy's startedBy, " +
        'which ECS limits to 36 characters), found 7',
    ],
  ],
  [
    'unknown cluster',
    withDaemon({ cluster: 'staging' }),
    [`${D}: cluster: must be the name of a cluster defined under clusters: "prod", found "staging"`],
  ],
  ['revision 0', withDaemon({ taskDefinition: 'node-exporter:0' }), [`${D}: taskDefinition: ${TASK_DEFINITION}, found "node-exporter:0"`]],
  [
    'task definition ARN without its revision',
    withDaemon({ taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/node-exporter' }),
    [`${D}: taskDefinition: ${TASK_DEFINITION}, found "arn:aws:ecs:us-east-1:123456789012:task-definition/node-exporter"`],
  ],
  [
    'constraint that stops short',
    withDaemon({ constraint: 'attribute:ecs.os-type ==' }),
    [
      `${D}: constraint: Invalid constraint expression at position 24: expected a value after '==', found end of expression\n` +
        '  attribute:ecs.os-type ==\n' +
        '                          ^',
    ],
  ],
  ['maxUnavailable 0%', withDaemon({ maxUnavailable: '0%' }), [`${D}: maxUnavailable: ${BUDGET}, found "0%"`]],
  ['maxUnavailable 150%', withDaemon({ maxUnavailable: '150%' }), [`${D}: maxUnavailable: ${BUDGET}, found "150%"`]],
  ['maxUnavailable 0', withDaemon({ maxUnavailable: 0 }), [`${D}: maxUnavailable: ${BUDGET}, found 0`]],
  ['maxUnavailable 1.5', withDaemon({ maxUnavailable: 1.5 }), [`${D}: maxUnavailable: ${BUDGET}, found 1.5`]],
  [
    'sweep once a day and a minute',
    withDaemon({ sweepIntervalMinutes: 1441 }),
    [`${D}: sweepIntervalMinutes: must be a whole number from 1 to 1440, found 1441`],
  ],
  ['50 tags, with no room left for the rule tag', withDaemon({ tags: tags(50) }), [`${D}: tags: at most 49 tags are allowed (ECS takes 50, and the scheduler adds ecs-schedulers:rule), found 50`]],
  [
    'the rule tag set by hand',
    withDaemon({ tags: { 'ecs-schedulers:rule': 'daemon/other' } }),
    [`${D}: tags: tag key "ecs-schedulers:rule" is the scheduler's own: it names the rule on every task it starts, and IAM lets a function stop only tasks whose tag names its rule`],
  ],
  [
    'tag key with the reserved prefix',
    withDaemon({ tags: { 'AWS:owner': 'platform' } }),
    [`${D}: tags: tag key "AWS:owner" must not start with "aws:", which AWS reserves`],
  ],
  [
    'tag key of 129 characters',
    withDaemon({ tags: { ['k'.repeat(129)]: 'x' } }),
    [`${D}: tags: tag key "${'k'.repeat(129)}" must be 1-128 characters, found 129`],
  ],
  [
    'tag value of 257 characters',
    withDaemon({ tags: { team: 'v'.repeat(257) } }),
    [`${D}: tags: tag "team": value must be at most 256 characters, found 257`],
  ],
  ['tag value not a string', withDaemon({ tags: { replicas: 3 } }), [`${D}: tags.replicas: must be a string, found 3`]],
  [
    'container override without a name',
    withDaemon({ overrides: { containerOverrides: [{ command: ['--collector.systemd'] }] } }),
    [`${D}: overrides.containerOverrides[0].name: missing; must be the name of a container in the task definition`],
  ],

  // Cron rules
  [
    'hour 25',
    withCron({ schedule: 'cron(0 25 * * ? *)' }),
    [`${C}: schedule: Invalid schedule "cron(0 25 * * ? *)": hours must be 0-23, found 25`],
  ],
  ['schedule missing', { clusters: { prod: {} }, crons: [{ ...CRON, schedule: undefined }] }, [
    `${C}: schedule: missing; must be a schedule expression: cron(...), rate(...) or at(...)`,
  ]],
  [
    'unknown time zone',
    withCron({ timeZone: 'Mars/Olympus_Mons' }),
    [`${C}: timeZone: Unknown time zone "Mars/Olympus_Mons": use an IANA name such as America/New_York`],
  ],
  ['count 0', withCron({ count: 0 }), [`${C}: count: must be a whole number from 1 to 100, found 0`]],
  ['count 101', withCron({ count: 101 }), [`${C}: count: must be a whole number from 1 to 100, found 101`]],
  ['count as a string', withCron({ count: '2' }), [`${C}: count: must be a whole number from 1 to 100, found "2"`]],
  ['deadline over a day', withCron({ startingDeadlineSeconds: 86_401 }), [`${C}: startingDeadlineSeconds: ${DEADLINE}, found 86401`]],
  ['deadline of 5 s', withCron({ startingDeadlineSeconds: 5 }), [`${C}: startingDeadlineSeconds: ${DEADLINE}, found 5`]],
  ['a role that is not an IAM role ARN', withCron({ passRoles: ['report-task'] }), [`${C}: passRoles[0]: must be an IAM role ARN such as arn:aws:iam::123456789012:role/my-task-role, found "report-task"`]],
  ['maxRunSeconds 0', withCron({ maxRunSeconds: 0 }), [`${C}: maxRunSeconds: must be a whole number of 1 or more, found 0`]],
  [
    'flexible window over a day',
    withCron({ flexibleWindowMinutes: 1441 }),
    [`${C}: flexibleWindowMinutes: must be a whole number from 1 to 1440, found 1441`],
  ],
  [
    'overlap policy from Kubernetes',
    withCron({ overlapPolicy: 'Skip' }),
    [`${C}: overlapPolicy: must be "Allow", "Forbid" or "Replace", found "Skip"`],
  ],
  ['retryOnCapacity as a word', withCron({ retryOnCapacity: 'yes' }), [`${C}: retryOnCapacity: must be true or false, found "yes"`]],
  ['retries 11', withCron({ retries: 11 }), [`${C}: retries: must be a whole number from 0 to 10, found 11`]],
  ['retry delay over 15 minutes', withCron({ retryDelaySeconds: 901 }), [`${C}: retryDelaySeconds: must be a whole number from 1 to 900, found 901`]],
  [
    'retries on a name too long for the attempt in startedBy',
    { clusters: { prod: {} }, crons: [{ ...CRON, name: 'a-name-of-22-character', retries: 1 }] },
    [
      'cron rule "a-name-of-22-character": retries: a rule with retries needs a name of at most 21 characters ("a-name-of-22-character" has 22): each retry\'s startedBy adds "/<attempt>" to the slot\'s, and ECS allows 36 characters',
    ],
  ],
  [
    'memberOf expression with an unclosed quote',
    withCron({ placement: { constraints: [{ type: 'memberOf', expression: "attribute:stack == 'prod" }] } }),
    [
      `${C}: placement.constraints[0].expression: Invalid constraint expression at position 24: ` +
        'expected a closing \' for the value quoted at position 19, found end of expression\n' +
        "  attribute:stack == 'prod\n" +
        '                          ^',
    ],
  ],
  [
    'constraint type ECS does not have',
    withCron({ placement: { constraints: [{ type: 'sameInstance' }] } }),
    [`${C}: placement.constraints[0].type: must be "memberOf" or "distinctInstance", found "sameInstance"`],
  ],
  [
    'binpack on disk',
    withCron({ placement: { strategy: [{ type: 'binpack', field: 'disk' }] } }),
    [`${C}: placement.strategy[0].field: must be "cpu" or "memory", found "disk"`],
  ],
  [
    'spread on an attribute without its prefix',
    withCron({ placement: { strategy: [{ type: 'random' }, { type: 'spread', field: 'ecs.availability-zone' }] } }),
    [`${C}: placement.strategy: placement strategy 2: ${SPREAD}, found "ecs.availability-zone"`],
  ],
  [
    'six strategies',
    withCron({ placement: { strategy: Array.from({ length: 6 }, () => ({ type: 'binpack', field: 'cpu' })) } }),
    [`${C}: placement.strategy: at most 5 placement strategies may be chained, found 6`],
  ],
  [
    'two cron rules with one name: each is named by its position',
    { clusters: { prod: {} }, crons: [CRON, { ...CRON, count: 0 }] },
    [
      'crons[1]: count: must be a whole number from 1 to 100, found 0',
      'crons[1]: name: "nightly-report" is already the name of crons[0]; each cron rule needs a name of its own',
    ],
  ],
  [
    'two cron rules whose names differ only in - and _: one stack output name',
    { clusters: { prod: {} }, crons: [{ ...CRON, name: 'eu-digest' }, { ...CRON, name: 'eudigest' }, { ...CRON, name: 'eu_digest' }] },
    [
      'cron rule "eudigest": name: "eudigest" and "eu-digest" (crons[0]) both become the stack output CronQueueeudigest, since CloudFormation keeps only the letters and digits of a name; rename one of them',
      'cron rule "eu_digest": name: "eu_digest" and "eu-digest" (crons[0]) both become the stack output CronQueueeudigest, since CloudFormation keeps only the letters and digits of a name; rename one of them',
    ],
  ],
  [
    'two daemon rules whose names differ only in _',
    { clusters: { prod: {} }, daemons: [{ ...DAEMON, name: 'log_agent' }, { ...DAEMON, name: 'logagent' }] },
    [
      'daemon rule "logagent": name: "logagent" and "log_agent" (daemons[0]) both become the stack output DaemonQueuelogagent, since CloudFormation keeps only the letters and digits of a name; rename one of them',
    ],
  ],
];

describe('validateConfig refuses a bad config with a message naming the rule, the field and what is allowed', () => {
  it.each(cases)('%s', (_case, config, expected) => {
    const result = validateConfig(config);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((error) => error.message)).toEqual(expected);
  });
});
