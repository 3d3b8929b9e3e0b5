import { DescribeTasksCommand, PutAttributesCommand, StartTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EcsEvent, type Emulator, type InstanceStateChangeEvent, type TaskStateChangeEvent } from '../../emulator/index.js';
import { containerSized, ecsClient } from './helpers.js';

describe('ECS events, as EventBridge delivers them', () => {
  let emulator: Emulator;
  let events: EcsEvent[];
  let unsubscribe: () => void;
  const taskEvents = (arn: string) =>
    events.filter((e): e is TaskStateChangeEvent => e['detail-type'] === 'ECS Task State Change' && e.resources[0] === arn);
  const instanceEvents = (arn: string) =>
    events.filter((e): e is InstanceStateChangeEvent => e['detail-type'] === 'ECS Container Instance State Change' && e.resources[0] === arn);

  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 5 });
    emulator.admin.createCluster('ev');
    emulator.admin.registerTaskDefinition(containerSized('svc', 256, 256, { hostPort: 80 }));
  });
  beforeEach(() => {
    events = [];
    unsubscribe = emulator.onEvent((event) => events.push(event));
  });
  afterEach(() => unsubscribe());
  afterAll(() => emulator.close());

  it('publishes PENDING, RUNNING and STOPPED task events with increasing detail.version', async () => {
    const instance = emulator.admin.registerInstance({ cluster: 'ev', cpu: 1024, memory: 1024 });
    const ecs = ecsClient(emulator);
    const [task] = (await ecs.send(new StartTaskCommand({ cluster: 'ev', taskDefinition: 'svc', containerInstances: [instance], startedBy: 'daemon-x' }))).tasks ?? [];
    const arn = task?.taskArn ?? '';
    await emulator.admin.settle();
    await ecs.send(new StopTaskCommand({ cluster: 'ev', task: arn, reason: 'rolling' }));
    await emulator.admin.settle();

    const seen = taskEvents(arn);
    expect(seen.map((e) => [e.detail.lastStatus, e.detail.desiredStatus])).toEqual([
      ['PENDING', 'RUNNING'],
      ['RUNNING', 'RUNNING'],
      ['RUNNING', 'STOPPED'],
      ['STOPPED', 'STOPPED'],
    ]);
    const versions = seen.map((e) => e.detail.version ?? 0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    const described = (await ecs.send(new DescribeTasksCommand({ cluster: 'ev', tasks: [arn] }))).tasks?.[0];
    expect(seen.at(-1)?.detail.version).toBe(described?.version);

    const last = seen.at(-1);
    expect(last).toMatchObject({
      version: '0',
      source: 'aws.ecs',
      account: '123456789012',
      region: 'us-east-1',
      resources: [arn],
      detail: {
        taskArn: arn,
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ev',
        containerInstanceArn: instance,
        startedBy: 'daemon-x',
        group: 'family:svc',
        stopCode: 'UserInitiated',
        stoppedReason: 'rolling',
        launchType: 'EC2',
      },
    });
    expect(last?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(last?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(last?.detail.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(last?.detail.stoppedAt).toMatch(/Z$/);
    expect(last?.detail.containers?.[0]).toMatchObject({ name: 'svc', lastStatus: 'STOPPED' });
  });

  it('publishes instance events for resource changes as tasks start and stop', async () => {
    const instance = emulator.admin.registerInstance({ cluster: 'ev', cpu: 1024, memory: 1024 });
    const ecs = ecsClient(emulator);
    const [task] = (await ecs.send(new StartTaskCommand({ cluster: 'ev', taskDefinition: 'svc', containerInstances: [instance] }))).tasks ?? [];
    await emulator.admin.settle();
    await ecs.send(new StopTaskCommand({ cluster: 'ev', task: task?.taskArn }));
    await emulator.admin.settle();

    const seen = instanceEvents(instance);
    const cpu = seen.map((e) => e.detail.remainingResources?.find((r) => r.name === 'CPU')?.integerValue);
    expect(cpu[0]).toBe(1024);
    expect(cpu).toContain(1024 - 256);
    expect(cpu.at(-1)).toBe(1024);
    const versions = seen.map((e) => e.detail.version ?? 0);
    expect(versions).toEqual(versions.map((_, i) => (versions[0] ?? 0) + i));
    expect(seen[0]?.detail).toMatchObject({ clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ev', status: 'ACTIVE', agentConnected: true });
    expect(emulator.admin.describeInstance(instance).version).toBe(versions.at(-1));
  });

  it('publishes instance events on register, attributes, agent, drain and deregister', async () => {
    const instance = emulator.admin.registerInstance({ cluster: 'ev', cpu: 512, memory: 512 });
    await ecsClient(emulator).send(
      new PutAttributesCommand({ cluster: 'ev', attributes: [{ name: 'stack', value: 'prod', targetType: 'container-instance', targetId: instance }] }),
    );
    emulator.admin.setAgentConnected(instance, false);
    emulator.admin.setAgentConnected(instance, true);
    emulator.admin.drainInstance(instance);
    emulator.admin.deregisterInstance(instance);
    await emulator.admin.settle();
    const details = instanceEvents(instance).map((e) => e.detail);
    expect(details.map((d) => [d.status, d.agentConnected])).toEqual([
      ['ACTIVE', true],
      ['ACTIVE', true],
      ['ACTIVE', false],
      ['ACTIVE', true],
      ['DRAINING', true],
      ['INACTIVE', false],
    ]);
    expect(details[1]?.attributes).toContainEqual({ name: 'stack', value: 'prod' });
  });

  it('marks tasks STOPPED when their instance is deregistered by force, with events', async () => {
    const instance = emulator.admin.registerInstance({ cluster: 'ev', cpu: 1024, memory: 1024 });
    const [task] = (await ecsClient(emulator).send(new StartTaskCommand({ cluster: 'ev', taskDefinition: 'svc', containerInstances: [instance] }))).tasks ?? [];
    await emulator.admin.settle();
    emulator.admin.deregisterInstance(instance);
    await emulator.admin.settle();
    expect(taskEvents(task?.taskArn ?? '').at(-1)?.detail).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    expect(emulator.admin.describeTask(task?.taskArn ?? '').lastStatus).toBe('STOPPED');
  });

  it('delivers a task that dies on its own as STOPPED with EssentialContainerExited', async () => {
    const instance = emulator.admin.registerInstance({ cluster: 'ev', cpu: 1024, memory: 1024 });
    const [task] = (await ecsClient(emulator).send(new StartTaskCommand({ cluster: 'ev', taskDefinition: 'svc', containerInstances: [instance] }))).tasks ?? [];
    await emulator.admin.settle();
    emulator.admin.stopTask(task?.taskArn ?? '');
    await emulator.admin.settle();
    expect(taskEvents(task?.taskArn ?? '').at(-1)?.detail).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [expect.objectContaining({ exitCode: 1 })],
    });
  });

  it('stops delivering after unsubscribe', async () => {
    unsubscribe();
    emulator.admin.registerInstance({ cluster: 'ev', cpu: 1, memory: 1 });
    await emulator.admin.settle();
    expect(events).toEqual([]);
  });
});
