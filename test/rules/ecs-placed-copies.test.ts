import { describe, expect, it } from 'vitest';
import { ecsPlacedCopies } from '../../shared/rules/cron/ecs-placed-copies.js';
import { cronSlotKey, type CronRule } from '../../shared/rules/cron/rule.js';
import type { TaskDefinitionInfo } from '../../shared/state/types.js';

const SLOT = new Date('2026-03-01T02:00:00Z');
const FARGATE = { type: 'fargate', subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] } as const;
const RULE: CronRule = { name: 'nightly', cluster: 'jobs', taskDefinition: 'report', schedule: 'cron(0 2 * * ? *)', launch: { ...FARGATE, subnets: [...FARGATE.subnets], securityGroups: [...FARGATE.securityGroups] } };
const TARGET: TaskDefinitionInfo = {
  arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/report:3',
  family: 'report',
  revision: 3,
  networkMode: 'awsvpc',
  requirements: { cpu: 256, memory: 512, tcpPorts: [], udpPorts: [] },
  containerNames: ['main'],
  essentialContainers: ['main'],
  compatibilities: ['EC2', 'FARGATE'],
  taskRoleArn: undefined,
  executionRoleArn: undefined,
};
const KEY = cronSlotKey(RULE, SLOT);
const launchOf = (rule: CronRule) => rule.launch as Exclude<NonNullable<CronRule['launch']>, { type: 'ec2' }>;

describe('ecsPlacedCopies', () => {
  it.each([
    // missing, existing, round -> [count, token] per RunTask call
    [1, 0, 0, [[1, `${KEY}:0:0:0`]]],
    [10, 0, 0, [[10, `${KEY}:0:0:0`]]],
    [23, 0, 0, [[10, `${KEY}:0:0:0`], [10, `${KEY}:0:1:0`], [3, `${KEY}:0:2:0`]]],
    // A capacity retry after 7 of 10 started: a new request for the 3 missing, under a new token.
    [3, 7, 1, [[3, `${KEY}:7:0:1`]]],
  ] as const)('%i missing with %i there, round %i: calls of at most 10, each with its token', (missing, existing, round, calls) => {
    const { runs, problem } = ecsPlacedCopies(RULE, launchOf(RULE), TARGET, SLOT, KEY, existing, missing, round);
    expect(problem).toBeUndefined();
    expect(runs.map((run) => [run.count, run.clientToken])).toEqual(calls);
    for (const run of runs) {
      expect(run.clientToken.length).toBeLessThanOrEqual(64);
      expect(run.clientToken).toMatch(/^[!-~]+$/);
      expect(run.launch).toMatchObject({ startedBy: KEY, group: KEY, tags: { 'ecs-schedulers:rule': 'cron/nightly' } });
    }
  });

  it('plans the same tokens for the same slot seen the same way: two deliveries send one request', () => {
    const first = ecsPlacedCopies(RULE, launchOf(RULE), TARGET, SLOT, KEY, 0, 12, 0);
    const second = ecsPlacedCopies(RULE, launchOf(RULE), TARGET, SLOT, KEY, 0, 12, 0);
    expect(second).toEqual(first);
  });

  it('asks for FARGATE with the network configuration, or for the strategy with weights defaulting to 1', () => {
    const [fargate] = ecsPlacedCopies(RULE, launchOf(RULE), TARGET, SLOT, KEY, 0, 1, 0).runs;
    expect(fargate!.placement).toEqual({
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: FARGATE.subnets, securityGroups: FARGATE.securityGroups, assignPublicIp: 'DISABLED' } },
    });
    const pool: CronRule = { ...RULE, launch: { type: 'capacityProvider', strategy: [{ capacityProvider: 'spot-pool' }, { capacityProvider: 'on-demand', base: 2, weight: 0 }] } };
    const [onPool] = ecsPlacedCopies(pool, launchOf(pool), { ...TARGET, networkMode: 'bridge' }, SLOT, KEY, 0, 1, 0).runs;
    expect(onPool!.placement).toEqual({
      capacityProviderStrategy: [
        { capacityProvider: 'spot-pool', weight: 1, base: 0 },
        { capacityProvider: 'on-demand', weight: 0, base: 2 },
      ],
    });
  });

  it('names the task definition and why when Fargate cannot run it, and plans no call', () => {
    const bridge = ecsPlacedCopies(RULE, launchOf(RULE), { ...TARGET, networkMode: 'bridge' }, SLOT, KEY, 0, 1, 0);
    expect(bridge).toEqual({ runs: [], problem: expect.stringContaining('task definition arn:aws:ecs:us-east-1:123456789012:task-definition/report:3 cannot run on Fargate: its network mode is bridge') });
    const ec2Only = ecsPlacedCopies(RULE, launchOf(RULE), { ...TARGET, compatibilities: ['EC2'] }, SLOT, KEY, 0, 1, 0);
    expect(ec2Only.problem).toContain('ECS lists it compatible with EC2 only');
  });
});
