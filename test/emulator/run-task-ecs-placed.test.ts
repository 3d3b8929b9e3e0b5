import { DescribeClustersCommand, DescribeTasksCommand, ListTasksCommand, RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import type { EcsEvent } from '../../emulator/index.js';
import { containerSized, ecsClient, rejection } from './helpers.js';

const FARGATE_JOB = {
  family: 'fargate-job',
  networkMode: 'awsvpc' as const,
  requiresCompatibilities: ['FARGATE' as const],
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'main', image: 'example/job' }],
};
const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] } };

describe('RunTask on Fargate and capacity providers', () => {
  let emulator: Emulator;
  const events: EcsEvent[] = [];
  const ecs = () => ecsClient(emulator);
  const run = (input: Partial<RunTaskCommandInput>) => ecs().send(new RunTaskCommand({ cluster: 'jobs', taskDefinition: 'fargate-job', ...input }));

  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 3 });
    emulator.onEvent((event) => events.push(event));
    emulator.admin.createCluster('jobs');
    emulator.admin.registerTaskDefinition(FARGATE_JOB);
    emulator.admin.registerTaskDefinition(containerSized('bridge-job', 256, 256));
    emulator.admin.setCapacityProviders('jobs', [
      { name: 'FARGATE' },
      { name: 'FARGATE_SPOT' },
      { name: 'spot-pool', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/spot' },
      { name: 'on-demand', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:2:autoScalingGroupName/od' },
    ]);
  });
  afterAll(() => emulator.close());

  it('runs Fargate tasks as awsvpc tasks with an ENI and no container instance, PROVISIONING then PENDING then RUNNING', async () => {
    const release = emulator.admin.holdTransitions();
    const answer = await run({ launchType: 'FARGATE', count: 2, networkConfiguration: NETWORK, startedBy: 'fargate-1' });
    expect(answer.failures).toEqual([]);
    expect(answer.tasks).toHaveLength(2);
    for (const task of answer.tasks ?? []) {
      expect(task.containerInstanceArn).toBeUndefined();
      expect(task.launchType).toBe('FARGATE');
      expect(task.lastStatus).toBe('PROVISIONING');
      expect(task.attachments?.[0]?.type).toBe('ElasticNetworkInterface');
      expect(task.attachments?.[0]?.details).toContainEqual({ name: 'subnetId', value: 'subnet-0123456789abcdef0' });
    }
    release();
    await emulator.admin.settle();
    const described = await ecs().send(new DescribeTasksCommand({ cluster: 'jobs', tasks: (answer.tasks ?? []).map((t) => t.taskArn!) }));
    expect(described.tasks?.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING']);
    const statuses = events.filter((e) => e['detail-type'] === 'ECS Task State Change' && e.resources[0] === answer.tasks?.[0]?.taskArn).map((e) => (e.detail as { lastStatus: string }).lastStatus);
    expect(statuses).toEqual(['PROVISIONING', 'PENDING', 'RUNNING']);
    const listed = await ecs().send(new ListTasksCommand({ cluster: 'jobs', launchType: 'FARGATE' }));
    expect(listed.taskArns).toEqual(expect.arrayContaining((answer.tasks ?? []).map((t) => t.taskArn)));
    const clusterShape = (await ecs().send(new DescribeClustersCommand({ clusters: ['jobs'] }))).clusters?.[0];
    expect(clusterShape?.runningTasksCount).toBeGreaterThanOrEqual(2);
    expect(clusterShape?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT', 'spot-pool', 'on-demand']);
  });

  it('answers the first call again for the same clientToken and parameters, starting nothing more', async () => {
    const input = { launchType: 'FARGATE' as const, count: 3, networkConfiguration: NETWORK, startedBy: 'token-1', clientToken: 'cron/nightly/abc/0/0/0' };
    const first = await run(input);
    const second = await run(input);
    expect(second.tasks?.map((t) => t.taskArn)).toEqual(first.tasks?.map((t) => t.taskArn));
    expect(emulator.admin.listTasks('jobs', { startedBy: 'token-1' })).toHaveLength(3);
    const conflict = await rejection(run({ ...input, count: 2 }));
    expect(conflict.name).toBe('ConflictException');
    const other = await run({ ...input, clientToken: 'cron/nightly/abc/0/0/1' });
    expect(other.tasks).toHaveLength(3);
  });

  it('fails Fargate tasks for capacity while the fault knob is on, and remembers that answer for its token', async () => {
    emulator.setFargateCapacity(false);
    try {
      const input = { launchType: 'FARGATE' as const, count: 2, networkConfiguration: NETWORK, startedBy: 'short', clientToken: 'short-1' };
      const answer = await run(input);
      expect(answer.tasks).toEqual([]);
      expect(answer.failures).toEqual([
        { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' },
        { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' },
      ]);
      emulator.setFargateCapacity(true);
      expect((await run(input)).tasks).toEqual([]);
      expect((await run({ ...input, clientToken: 'short-2' })).tasks).toHaveLength(2);
    } finally {
      emulator.setFargateCapacity(true);
    }
  });

  it('refuses what ECS refuses: no network configuration, a task definition not for Fargate, both a launch type and a strategy, a bad strategy', async () => {
    expect((await rejection(run({ launchType: 'FARGATE' }))).message).toContain('Network Configuration must be provided');
    expect((await rejection(run({ launchType: 'FARGATE', taskDefinition: 'bridge-job', networkConfiguration: NETWORK }))).message).toBe('Task definition does not support launch_type FARGATE.');
    const both = await rejection(run({ launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }], networkConfiguration: NETWORK }));
    expect(both.name).toBe('InvalidParameterException');
    const twoBases = await rejection(run({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 1 }], networkConfiguration: NETWORK }));
    expect(twoBases.message).toBe('Only one capacity provider in a strategy can have a base.');
    const unknown = await rejection(run({ capacityProviderStrategy: [{ capacityProvider: 'elsewhere', weight: 1 }], networkConfiguration: NETWORK }));
    expect(unknown.message).toContain('is not associated with the cluster');
    expect((await rejection(run({ launchType: 'FARGATE', networkConfiguration: NETWORK, clientToken: 'x'.repeat(65) }))).name).toBe('InvalidParameterException');
  });

  it('shares tasks between Fargate providers by base and weight', async () => {
    const answer = await run({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 2 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }], count: 6, networkConfiguration: NETWORK });
    expect(answer.tasks?.map((t) => t.capacityProviderName)).toEqual(['FARGATE', 'FARGATE', 'FARGATE', 'FARGATE_SPOT', 'FARGATE_SPOT', 'FARGATE_SPOT']);
  });

  it('places a strategy of Auto Scaling group providers on their own instances, and says so when a provider has none', async () => {
    const spot = emulator.admin.registerInstance({ cluster: 'jobs', cpu: 1024, memory: 2048, capacityProvider: 'spot-pool' });
    emulator.admin.registerInstance({ cluster: 'jobs', cpu: 1024, memory: 2048 });
    expect(emulator.admin.describeInstance(spot).capacityProviderName).toBe('spot-pool');
    const answer = await run({ taskDefinition: 'bridge-job', capacityProviderStrategy: [{ capacityProvider: 'spot-pool', weight: 1 }], count: 3 });
    expect(answer.tasks?.map((t) => [t.containerInstanceArn, t.capacityProviderName, t.launchType])).toEqual(Array(3).fill([spot, 'spot-pool', 'EC2']));
    const full = await run({ taskDefinition: 'bridge-job', capacityProviderStrategy: [{ capacityProvider: 'spot-pool', weight: 1 }], count: 2 });
    expect(full.failures).toEqual([{ arn: spot, reason: 'RESOURCE:CPU' }]);
    const none = await run({ taskDefinition: 'bridge-job', capacityProviderStrategy: [{ capacityProvider: 'on-demand', weight: 1 }] });
    expect(none.failures?.map((f) => f.reason)).toEqual(['CAPACITY_PROVIDER']);
  });
});
