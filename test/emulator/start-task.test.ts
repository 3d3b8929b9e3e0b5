import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  StopTaskCommand,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { containerSized, ecsClient, rejection } from './helpers.js';

function resource(instance: ContainerInstance | undefined, kind: 'registeredResources' | 'remainingResources', name: string) {
  return instance?.[kind]?.find((r) => r.name === name);
}

describe('StartTask: placement checks and resource accounting', () => {
  let emulator: Emulator;
  let cluster = 0;
  /** A fresh cluster with one 1024 CPU / 2048 MiB instance, so tests do not share capacity. */
  const freshInstance = (spec: { cpu?: number; memory?: number } = {}) => {
    const name = `start-${++cluster}`;
    emulator.admin.createCluster(name);
    const arn = emulator.admin.registerInstance({ cluster: name, cpu: spec.cpu ?? 1024, memory: spec.memory ?? 2048 });
    return { cluster: name, arn };
  };
  const start = (cluster: string, instances: string[], taskDefinition: string, extra: Partial<ConstructorParameters<typeof StartTaskCommand>[0]> = {}) =>
    ecsClient(emulator).send(new StartTaskCommand({ cluster, containerInstances: instances, taskDefinition, ...extra }));
  const instanceOf = async (cluster: string, arn: string) =>
    (await ecsClient(emulator).send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }))).containerInstances?.[0];

  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 11 });
    const ecs = ecsClient(emulator);
    for (const definition of [
      containerSized('small', 256, 512),
      containerSized('cpu-hog', 1000, 128),
      containerSized('mem-hog', 128, 2000),
      containerSized('tcp-80', 64, 64, { hostPort: 80 }),
      containerSized('tcp-22', 64, 64, { hostPort: 22 }),
      containerSized('udp-53', 64, 64, { udpPort: 53 }),
    ]) {
      await ecs.send(new RegisterTaskDefinitionCommand(definition));
    }
  });
  afterAll(() => emulator.close());

  it('reports registered and remaining resources as ECS does, ECS ports included', async () => {
    const { cluster, arn } = freshInstance();
    const before = await instanceOf(cluster, arn);
    expect(resource(before, 'registeredResources', 'CPU')).toMatchObject({ type: 'INTEGER', integerValue: 1024 });
    expect(resource(before, 'registeredResources', 'MEMORY')).toMatchObject({ type: 'INTEGER', integerValue: 2048 });
    expect(resource(before, 'registeredResources', 'PORTS')).toMatchObject({ type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] });
    expect(resource(before, 'registeredResources', 'PORTS_UDP')).toMatchObject({ type: 'STRINGSET', stringSetValue: [] });

    const release = emulator.admin.holdTransitions();
    const answer = await start(cluster, [arn], 'tcp-80');
    expect(answer.failures).toEqual([]);
    const after = await instanceOf(cluster, arn);
    release();
    expect(resource(after, 'remainingResources', 'CPU')?.integerValue).toBe(1024 - 64);
    expect(resource(after, 'remainingResources', 'MEMORY')?.integerValue).toBe(2048 - 64);
    expect(resource(after, 'remainingResources', 'PORTS')?.stringSetValue).toEqual(['22', '80', '2375', '2376', '51678', '51679']);
    expect(after?.pendingTasksCount).toBe(1);
    expect(after?.version).toBeGreaterThan(before?.version ?? Infinity);
  });

  it('starts PENDING, runs a moment later, and frees resources once STOPPED', async () => {
    const { cluster, arn } = freshInstance();
    const ecs = ecsClient(emulator);
    let release = emulator.admin.holdTransitions();
    const [task] = (await start(cluster, [arn], 'small')).tasks ?? [];
    expect(task).toMatchObject({ lastStatus: 'PENDING', desiredStatus: 'RUNNING', cpu: '256', memory: '512', containerInstanceArn: arn });
    const pending = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task?.taskArn ?? ''] }))).tasks?.[0];
    expect(pending).toMatchObject({ lastStatus: 'PENDING' });
    expect(pending?.startedAt).toBeUndefined();
    expect((await instanceOf(cluster, arn))?.pendingTasksCount).toBe(1);

    release();
    await emulator.admin.settle();
    const running = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task?.taskArn ?? ''] }))).tasks?.[0];
    expect(running).toMatchObject({ lastStatus: 'RUNNING' });
    expect(running?.startedAt).toBeInstanceOf(Date);
    expect((await instanceOf(cluster, arn))?.runningTasksCount).toBe(1);

    release = emulator.admin.holdTransitions();
    const stopping = (await ecs.send(new StopTaskCommand({ cluster, task: task?.taskArn, reason: 'done for today' }))).task;
    expect(stopping).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING', stopCode: 'UserInitiated', stoppedReason: 'done for today' });
    // A stopping task holds its resources until it has stopped.
    expect(resource(await instanceOf(cluster, arn), 'remainingResources', 'CPU')?.integerValue).toBe(1024 - 256);

    release();
    await emulator.admin.settle();
    const stopped = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task?.taskArn ?? ''] }))).tasks?.[0];
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    expect(stopped?.stoppedAt).toBeInstanceOf(Date);
    const after = await instanceOf(cluster, arn);
    expect(resource(after, 'remainingResources', 'CPU')?.integerValue).toBe(1024);
    expect(resource(after, 'remainingResources', 'MEMORY')?.integerValue).toBe(2048);
    expect(after?.runningTasksCount).toBe(0);
  });

  it('fails an instance without the CPU with RESOURCE:CPU, in failures[] with HTTP 200', async () => {
    const { cluster, arn } = freshInstance();
    expect((await start(cluster, [arn], 'cpu-hog')).failures).toEqual([]);
    const answer = await start(cluster, [arn], 'cpu-hog');
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(answer.tasks).toEqual([]);
    expect(answer.failures).toEqual([{ arn, reason: 'RESOURCE:CPU' }]);
  });

  it('fails an instance without the memory with RESOURCE:MEMORY', async () => {
    const { cluster, arn } = freshInstance();
    await start(cluster, [arn], 'mem-hog');
    expect((await start(cluster, [arn], 'mem-hog')).failures).toEqual([{ arn, reason: 'RESOURCE:MEMORY' }]);
  });

  it('fails a taken TCP host port with RESOURCE:PORTS, ECS reserved ports included', async () => {
    const { cluster, arn } = freshInstance();
    await start(cluster, [arn], 'tcp-80');
    expect((await start(cluster, [arn], 'tcp-80')).failures).toEqual([{ arn, reason: 'RESOURCE:PORTS' }]);
    expect((await start(cluster, [arn], 'tcp-22')).failures).toEqual([{ arn, reason: 'RESOURCE:PORTS' }]);
  });

  it('fails a taken UDP host port with RESOURCE:PORTS_UDP, and lists it in PORTS_UDP', async () => {
    const { cluster, arn } = freshInstance();
    await start(cluster, [arn], 'udp-53');
    expect(resource(await instanceOf(cluster, arn), 'remainingResources', 'PORTS_UDP')?.stringSetValue).toEqual(['53']);
    expect((await start(cluster, [arn], 'udp-53')).failures).toEqual([{ arn, reason: 'RESOURCE:PORTS_UDP' }]);
  });

  it('fails an instance whose agent is disconnected with AGENT', async () => {
    const { cluster, arn } = freshInstance();
    emulator.admin.setAgentConnected(arn, false);
    expect((await start(cluster, [arn], 'small')).failures).toEqual([{ arn, reason: 'AGENT' }]);
    emulator.admin.setAgentConnected(arn, true);
    expect((await start(cluster, [arn], 'small')).failures).toEqual([]);
  });

  it('fails a DRAINING instance with DRAINING and a deregistered one with INACTIVE', async () => {
    const draining = freshInstance();
    emulator.admin.drainInstance(draining.arn);
    expect((await start(draining.cluster, [draining.arn], 'small')).failures).toEqual([{ arn: draining.arn, reason: 'DRAINING' }]);
    const gone = freshInstance();
    emulator.admin.deregisterInstance(gone.arn);
    expect((await start(gone.cluster, [gone.arn], 'small')).failures).toEqual([{ arn: gone.arn, reason: 'INACTIVE' }]);
  });

  it('fails an unknown instance with MISSING, by id or ARN, and still starts on the others', async () => {
    const { cluster, arn } = freshInstance();
    const missingArn = `arn:aws:ecs:us-east-1:123456789012:container-instance/${cluster}/0123456789abcdef0123456789abcdef`;
    const answer = await start(cluster, [arn, missingArn, 'feedfacefeedfacefeedfacefeedface'], 'small');
    expect(answer.tasks?.map((t) => t.containerInstanceArn)).toEqual([arn]);
    expect(answer.failures).toEqual([
      { arn: missingArn, reason: 'MISSING' },
      { arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/${cluster}/feedfacefeedfacefeedfacefeedface`, reason: 'MISSING' },
    ]);
  });

  it('accepts short ids for instances and tasks', async () => {
    const { cluster, arn } = freshInstance();
    const id = arn.split('/').pop() ?? '';
    const [task] = (await start(cluster, [id], 'small')).tasks ?? [];
    const taskId = task?.taskArn?.split('/').pop() ?? '';
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);
    const described = await ecsClient(emulator).send(new DescribeTasksCommand({ cluster, tasks: [taskId] }));
    expect(described.tasks?.[0]?.taskArn).toBe(task?.taskArn);
  });

  it('sizes a task by task-level cpu/memory when set, in units or vCPU/GB', async () => {
    const { cluster, arn } = freshInstance({ cpu: 4096, memory: 8192 });
    const ecs = ecsClient(emulator);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'task-level',
        cpu: '1 vCPU',
        memory: '2 GB',
        containerDefinitions: [{ name: 'a', image: 'a', cpu: 10, memory: 10 }],
      }),
    );
    const [task] = (await start(cluster, [arn], 'task-level')).tasks ?? [];
    expect(task).toMatchObject({ cpu: '1024', memory: '2048' });
    const remaining = await instanceOf(cluster, arn);
    expect(resource(remaining, 'remainingResources', 'CPU')?.integerValue).toBe(4096 - 1024);
    expect(resource(remaining, 'remainingResources', 'MEMORY')?.integerValue).toBe(8192 - 2048);
  });

  it('otherwise sums containers, memoryReservation before memory, and applies overrides', async () => {
    const { cluster, arn } = freshInstance({ cpu: 4096, memory: 8192 });
    const ecs = ecsClient(emulator);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'containers',
        containerDefinitions: [
          { name: 'app', image: 'app', cpu: 300, memory: 900, memoryReservation: 600 },
          { name: 'sidecar', image: 'sidecar', cpu: 100, memory: 200 },
        ],
      }),
    );
    const [plain] = (await start(cluster, [arn], 'containers')).tasks ?? [];
    expect(plain).toMatchObject({ cpu: '400', memory: '800' });
    const [overridden] =
      (await start(cluster, [arn], 'containers', { overrides: { containerOverrides: [{ name: 'app', cpu: 1000, memoryReservation: 1000 }] } }))
        .tasks ?? [];
    expect(overridden).toMatchObject({ cpu: '1100', memory: '1200' });
    expect(resource(await instanceOf(cluster, arn), 'remainingResources', 'CPU')?.integerValue).toBe(4096 - 400 - 1100);
  });

  it('holds the container port in host mode and no host port with awsvpc', async () => {
    const { cluster, arn } = freshInstance();
    const ecs = ecsClient(emulator);
    const mapping = { containerPort: 9100 };
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'host-mode', networkMode: 'host', containerDefinitions: [{ name: 'x', image: 'x', memory: 16, portMappings: [mapping] }] }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'vpc-mode', networkMode: 'awsvpc', containerDefinitions: [{ name: 'x', image: 'x', memory: 16, portMappings: [mapping] }] }));
    await start(cluster, [arn], 'vpc-mode');
    await start(cluster, [arn], 'vpc-mode');
    expect(resource(await instanceOf(cluster, arn), 'remainingResources', 'PORTS')?.stringSetValue).not.toContain('9100');
    await start(cluster, [arn], 'host-mode');
    expect(resource(await instanceOf(cluster, arn), 'remainingResources', 'PORTS')?.stringSetValue).toContain('9100');
    expect((await start(cluster, [arn], 'host-mode')).failures).toEqual([{ arn, reason: 'RESOURCE:PORTS' }]);
  });

  it('stores startedBy, group, tags and overrides, and DescribeTasks returns them', async () => {
    const { cluster, arn } = freshInstance();
    const ecs = ecsClient(emulator);
    const overrides = { containerOverrides: [{ name: 'small', environment: [{ name: 'SLOT', value: '2024-01-01T00:00Z' }] }] };
    const [task] =
      (await start(cluster, [arn], 'small', { startedBy: 'cron/nightly', group: 'cron:nightly', tags: [{ key: 'rule', value: 'nightly' }], overrides }))
        .tasks ?? [];
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task?.taskArn ?? ''], include: ['TAGS'] }));
    expect(described.tasks?.[0]).toMatchObject({ startedBy: 'cron/nightly', group: 'cron:nightly', tags: [{ key: 'rule', value: 'nightly' }], overrides });
    const withoutTags = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task?.taskArn ?? ''] }));
    expect(withoutTags.tasks?.[0]?.tags).toBeUndefined();
    expect(withoutTags.tasks?.[0]?.group).toBe('cron:nightly');
  });

  it('defaults the group to family:<family>', async () => {
    const { cluster, arn } = freshInstance();
    const [task] = (await start(cluster, [arn], 'small')).tasks ?? [];
    expect(task?.group).toBe('family:small');
  });

  it('rejects more than 10 instances, a startedBy over 36 characters and more than 50 tags', async () => {
    const { cluster, arn } = freshInstance();
    const eleven = await rejection(start(cluster, Array.from({ length: 11 }, () => arn), 'small'));
    expect(eleven.name).toBe('InvalidParameterException');
    expect(eleven.message).toBe('containerInstances can have at most 10 items.');
    const longStartedBy = await rejection(start(cluster, [arn], 'small', { startedBy: 'x'.repeat(37) }));
    expect(longStartedBy.message).toBe('startedBy longer than 36.');
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect((await rejection(start(cluster, [arn], 'small', { tags }))).name).toBe('InvalidParameterException');
    expect((await start(cluster, [arn], 'small', { startedBy: 'x'.repeat(36) })).failures).toEqual([]);
  });

  it('starts one task per listed instance, each checked at that moment', async () => {
    const name = `start-${++cluster}`;
    emulator.admin.createCluster(name);
    const roomy = emulator.admin.registerInstance({ cluster: name, cpu: 1024, memory: 2048 });
    const tight = emulator.admin.registerInstance({ cluster: name, cpu: 200, memory: 2048 });
    const answer = await start(name, [roomy, tight, roomy], 'small');
    expect(answer.tasks?.map((t) => t.containerInstanceArn)).toEqual([roomy, roomy]);
    expect(answer.failures).toEqual([{ arn: tight, reason: 'RESOURCE:CPU' }]);
  });
});
