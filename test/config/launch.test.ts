import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/index.js';
import { withCron } from './configs.js';

const C = 'cron rule "nightly-report"';
const SUBNET = 'subnet-0123456789abcdef0';

/** [case, launch and other fields, every message it must produce, in order] */
const cases: [string, Record<string, unknown>, string[]][] = [
  ['fargate without subnets', { launch: { type: 'fargate' } }, [`${C}: launch.subnets: missing; must be a list of 1-16 subnet ids (awsvpc tasks need them)`]],
  ['fargate with an empty subnet list', { launch: { type: 'fargate', subnets: [] } }, [`${C}: launch.subnets: must list at least one subnet id`]],
  [
    'fargate with ids that are not ids',
    { launch: { type: 'fargate', subnets: ['subnet-12'], securityGroups: ['sg-zz'] } },
    [
      `${C}: launch.subnets[0]: must be a subnet id such as subnet-0123456789abcdef0, found "subnet-12"`,
      `${C}: launch.securityGroups[0]: must be a security group id such as sg-0123456789abcdef0, found "sg-zz"`,
    ],
  ],
  ['an unknown launch type', { launch: { type: 'lambda' } }, [`${C}: launch.type: must be "ec2", "fargate" or "capacityProvider", found "lambda"`]],
  ['an empty strategy', { launch: { type: 'capacityProvider', strategy: [] } }, [`${C}: launch.strategy: must name at least one capacity provider`]],
  [
    'seven providers',
    { launch: { type: 'capacityProvider', strategy: Array.from({ length: 7 }, (_, i) => ({ capacityProvider: `pool-${i}` })) } },
    [`${C}: launch.strategy: may name at most 6 capacity providers (ECS's limit for one strategy)`],
  ],
  [
    'two bases',
    { launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'a', base: 1 }, { capacityProvider: 'b', base: 2 }] } },
    [`${C}: launch.strategy: at most one capacity provider may have a base`],
  ],
  [
    'Fargate mixed with an Auto Scaling group provider',
    { launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'spot-pool' }], subnets: [SUBNET] } },
    [`${C}: launch.strategy: mixes FARGATE or FARGATE_SPOT with Auto Scaling group capacity providers, which ECS refuses`],
  ],
  [
    'a FARGATE_SPOT strategy without subnets',
    { launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'FARGATE_SPOT' }] } },
    [`${C}: launch.subnets: missing; a strategy of FARGATE or FARGATE_SPOT runs awsvpc tasks, which need subnet ids (and usually security groups)`],
  ],
  ['weights all 0', { launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'a', weight: 0 }] } }, [`${C}: launch.strategy: needs a capacity provider with a weight above 0`]],
  [
    'RunTask placement on a Fargate strategy',
    { launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'FARGATE_SPOT' }], subnets: [SUBNET], placement: { strategy: [{ type: 'random' }] } } },
    [`${C}: launch.placement: applies to Auto Scaling group capacity providers only: ECS takes no placement constraints or strategies for Fargate tasks`],
  ],
  [
    'a RunTask constraint on an attribute only our snapshot has',
    { launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'spot-pool' }], placement: { constraints: [{ type: 'memberOf', expression: 'attribute:ecs.capacity-provider == spot-pool' }] } } },
    [
      `${C}: launch.placement.constraints[0].expression: names ecs.capacity-provider, an attribute only our snapshot has: ECS evaluates these constraints itself and would match no instance (choose the capacity provider in launch.strategy)`,
    ],
  ],
  [
    'our placement with a launch ECS places',
    { launch: { type: 'fargate', subnets: [SUBNET] }, placement: { strategy: [{ type: 'random' }] } },
    [`${C}: placement: applies to launch type "ec2" only: ECS places fargate runs`],
  ],
];

describe('cron rule launch: bad configs', () => {
  it.each(cases)('%s', (_, fields, messages) => {
    const result = validateConfig(withCron(fields));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((error) => error.message)).toEqual(messages);
  });
});

describe('cron rule launch: good configs', () => {
  it.each([
    ['ec2, the default spelled out', { type: 'ec2' }],
    ['fargate with everything', { type: 'fargate', platformVersion: '1.4.0', subnets: [SUBNET, 'subnet-0a1b2c3d'], securityGroups: ['sg-0123456789abcdef0'], assignPublicIp: true }],
    ['a Fargate Spot strategy with a Fargate base', { type: 'capacityProvider', strategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 4 }], subnets: [SUBNET] }],
    ['an Auto Scaling group provider with RunTask placement', { type: 'capacityProvider', strategy: [{ capacityProvider: 'spot-pool' }], placement: { strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] } }],
  ])('%s', (_, launch) => {
    expect(validateConfig(withCron({ launch }))).toMatchObject({ ok: true });
  });
});
