import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  paginateListContainerInstances,
  paginateListTasks,
  StartTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCluster, startEmulator, type Emulator, type SeedResult } from '../../emulator/index.js';
import { containerSized, ecsClient, rejection } from './helpers.js';

describe('List and Describe: pages, limits and filters', () => {
  let emulator: Emulator;
  let seeded: SeedResult;
  const cluster = 'lists';

  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 3 });
    seeded = seedCluster(emulator, { cluster, instances: 250, tasks: 400, seed: 5, daemon: { family: 'agent', startedBy: 'daemon-agent' } });
  });
  afterAll(() => emulator.close());

  it('pages ListContainerInstances by 100 with nextToken, in registration order, without repeats', async () => {
    const ecs = ecsClient(emulator);
    const first = await ecs.send(new ListContainerInstancesCommand({ cluster }));
    expect(first.containerInstanceArns).toHaveLength(100);
    expect(first.nextToken).toBeTypeOf('string');
    const all: string[] = [];
    for await (const page of paginateListContainerInstances({ client: ecs }, { cluster })) all.push(...(page.containerInstanceArns ?? []));
    expect(all).toEqual(seeded.instanceArns);
  });

  it('honours a smaller maxResults and gives the last page no token', async () => {
    const ecs = ecsClient(emulator);
    const pages: number[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListContainerInstancesCommand({ cluster, maxResults: 60, nextToken }));
      pages.push(page.containerInstanceArns?.length ?? 0);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toEqual([60, 60, 60, 60, 10]);
  });

  it('rejects maxResults over 100 and a token that is not from this list', async () => {
    const ecs = ecsClient(emulator);
    expect((await rejection(ecs.send(new ListTasksCommand({ cluster, maxResults: 101 })))).name).toBe('InvalidParameterException');
    expect((await rejection(ecs.send(new ListTasksCommand({ cluster, nextToken: 'garbage' })))).name).toBe('InvalidParameterException');
    const instancesToken = (await ecs.send(new ListContainerInstancesCommand({ cluster, maxResults: 1 }))).nextToken;
    const mixed = await rejection(ecs.send(new ListTasksCommand({ cluster, nextToken: instancesToken })));
    expect(mixed.name).toBe('InvalidParameterException');
  });

  it('pages ListTasks over every RUNNING task, daemon and workload', async () => {
    const all: string[] = [];
    for await (const page of paginateListTasks({ client: ecsClient(emulator) }, { cluster })) all.push(...(page.taskArns ?? []));
    expect(all).toHaveLength(650);
    expect(new Set(all)).toEqual(new Set([...seeded.daemonTaskArns, ...seeded.taskArns]));
  });

  it('neither repeats nor skips tasks that stop between two pages', async () => {
    emulator.admin.createCluster('churn');
    const instance = emulator.admin.registerInstance({ cluster: 'churn', cpu: 100_000, memory: 100_000 });
    emulator.admin.registerTaskDefinition(containerSized('tiny', 1, 1));
    const ecs = ecsClient(emulator);
    const started: string[] = [];
    for (let i = 0; i < 15; i++) {
      const answer = await ecs.send(new StartTaskCommand({ cluster: 'churn', taskDefinition: 'tiny', containerInstances: Array(10).fill(instance) }));
      started.push(...(answer.tasks ?? []).map((t) => t.taskArn ?? ''));
    }
    const first = await ecs.send(new ListTasksCommand({ cluster: 'churn' }));
    const seen = first.taskArns ?? [];
    // Stop the first page's first five: the second page must still start right after the first.
    for (const task of seen.slice(0, 5)) await ecs.send(new StopTaskCommand({ cluster: 'churn', task }));
    await emulator.admin.settle();
    const second = await ecs.send(new ListTasksCommand({ cluster: 'churn', nextToken: first.nextToken }));
    expect([...seen, ...(second.taskArns ?? [])]).toEqual(started);
    expect(second.nextToken).toBeUndefined();
  });

  it('rejects more than 100 ids in DescribeTasks and DescribeContainerInstances, as ECS does', async () => {
    const ecs = ecsClient(emulator);
    const tooManyTasks = await rejection(ecs.send(new DescribeTasksCommand({ cluster, tasks: seeded.taskArns.slice(0, 101) })));
    expect(tooManyTasks.name).toBe('InvalidParameterException');
    expect(tooManyTasks.message).toBe('taskIds can have at most 100 items.');
    const tooManyInstances = await rejection(
      ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: seeded.instanceArns.slice(0, 101) })),
    );
    expect(tooManyInstances.name).toBe('InvalidParameterException');
    const hundred = await ecs.send(new DescribeTasksCommand({ cluster, tasks: seeded.taskArns.slice(0, 100) }));
    expect(hundred.tasks).toHaveLength(100);
    expect((await rejection(ecs.send(new DescribeTasksCommand({ cluster, tasks: [] })))).message).toBe('Tasks cannot be empty.');
  });

  it('returns unknown ids in failures[] with reason MISSING', async () => {
    const ecs = ecsClient(emulator);
    const unknown = `arn:aws:ecs:us-east-1:123456789012:task/${cluster}/00000000000000000000000000000000`;
    const answer = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [seeded.taskArns[0] ?? '', unknown] }));
    expect(answer.tasks).toHaveLength(1);
    expect(answer.failures).toEqual([{ arn: unknown, reason: 'MISSING' }]);
  });

  it('does not find tasks of another cluster', async () => {
    emulator.admin.createCluster('other');
    const answer = await ecsClient(emulator).send(new DescribeTasksCommand({ cluster: 'other', tasks: [seeded.taskArns[0] ?? ''] }));
    expect(answer.tasks).toEqual([]);
    expect(answer.failures?.[0]?.reason).toBe('MISSING');
  });

  describe('ListTasks filters', () => {
    const list = async (filter: Omit<ConstructorParameters<typeof ListTasksCommand>[0], 'cluster' | 'nextToken'>) => {
      const arns: string[] = [];
      for await (const page of paginateListTasks({ client: ecsClient(emulator) }, { cluster, ...filter })) arns.push(...(page.taskArns ?? []));
      return arns;
    };
    const admin = () => emulator.admin;

    it('filters by family', async () => {
      const web = admin().listTasks(cluster, { family: 'web', desiredStatus: 'RUNNING' }).map((t) => t.arn);
      expect(web.length).toBeGreaterThan(0);
      expect(await list({ family: 'web' })).toEqual(web);
    });

    it('filters by startedBy, which must be the only filter', async () => {
      expect(await list({ startedBy: 'daemon-agent' })).toEqual(seeded.daemonTaskArns);
      const error = await rejection(ecsClient(emulator).send(new ListTasksCommand({ cluster, startedBy: 'daemon-agent', family: 'agent' })));
      expect(error.name).toBe('InvalidParameterException');
      expect(error.message).toBe('cannot specify startedBy with other arguments');
      const withStatus = await rejection(ecsClient(emulator).send(new ListTasksCommand({ cluster, startedBy: 'daemon-agent', desiredStatus: 'RUNNING' })));
      expect(withStatus.name).toBe('InvalidParameterException');
    });

    it('filters by containerInstance, by id or ARN', async () => {
      const instance = seeded.instanceArns[7] ?? '';
      const onIt = admin().listTasks(cluster, { containerInstance: instance }).map((t) => t.arn);
      expect(onIt.length).toBeGreaterThan(0);
      expect(await list({ containerInstance: instance })).toEqual(onIt);
      expect(await list({ containerInstance: instance.split('/').pop() ?? '' })).toEqual(onIt);
    });

    it('lists RUNNING-desired tasks by default and STOPPED ones on request', async () => {
      const victim = seeded.taskArns[3] ?? '';
      await ecsClient(emulator).send(new StopTaskCommand({ cluster, task: victim }));
      expect(await list({})).not.toContain(victim);
      expect(await list({ desiredStatus: 'STOPPED' })).toContain(victim);
      await emulator.admin.settle();
      expect(await list({ desiredStatus: 'STOPPED' })).toContain(victim);
      expect(await list({ desiredStatus: 'PENDING' })).toEqual([]);
    });

    it('combines family, containerInstance and desiredStatus', async () => {
      const instance = seeded.instanceArns[0] ?? '';
      const expected = admin()
        .listTasks(cluster, { containerInstance: instance, family: 'agent', desiredStatus: 'RUNNING' })
        .map((t) => t.arn);
      expect(expected).toHaveLength(1);
      expect(await list({ containerInstance: instance, family: 'agent', desiredStatus: 'RUNNING' })).toEqual(expected);
    });
  });

  it('lists instances by status; without one, all but INACTIVE', async () => {
    const ecs = ecsClient(emulator);
    emulator.admin.createCluster('statuses');
    const [a, b, c] = [0, 1, 2].map(() => emulator.admin.registerInstance({ cluster: 'statuses', cpu: 1024, memory: 1024 }));
    emulator.admin.drainInstance(b ?? '');
    emulator.admin.deregisterInstance(c ?? '');
    const by = async (status?: 'ACTIVE' | 'DRAINING') => (await ecs.send(new ListContainerInstancesCommand({ cluster: 'statuses', status }))).containerInstanceArns;
    expect(await by()).toEqual([a, b]);
    expect(await by('ACTIVE')).toEqual([a]);
    expect(await by('DRAINING')).toEqual([b]);
    const filtered = await rejection(ecs.send(new ListContainerInstancesCommand({ cluster: 'statuses', filter: 'attribute:stack == prod' })));
    expect(filtered.name).toBe('InvalidParameterException');
  });
});
