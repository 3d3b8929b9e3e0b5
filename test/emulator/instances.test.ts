import {
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeContainerInstancesCommand,
  DescribeTaskDefinitionCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { containerSized, ecsClient, rejection } from './helpers.js';

describe('container instances and task definitions through the API', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 2 });
    emulator.admin.createCluster('ci');
    emulator.admin.registerTaskDefinition(containerSized('small', 128, 128));
  });
  afterAll(() => emulator.close());

  it('registers an instance from totalResources, attributes and an identity document', async () => {
    const answer = await ecsClient(emulator).send(
      new RegisterContainerInstanceCommand({
        cluster: 'ci',
        instanceIdentityDocument: JSON.stringify({ instanceId: 'i-0123456789abcdef0', availabilityZone: 'us-east-1b', instanceType: 'c5.large' }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 3800 },
          { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2376', '2375', '51678', '51679', '9100'] },
          { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
        ],
        attributes: [{ name: 'stack', value: 'prod' }, { name: 'ecs.capability.gpu' }],
      }),
    );
    const instance = answer.containerInstance;
    expect(instance).toMatchObject({ ec2InstanceId: 'i-0123456789abcdef0', status: 'ACTIVE', agentConnected: true, runningTasksCount: 0, version: 1 });
    expect(instance?.attributes).toEqual(
      expect.arrayContaining([
        { name: 'ecs.availability-zone', value: 'us-east-1b' },
        { name: 'ecs.instance-type', value: 'c5.large' },
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'stack', value: 'prod' },
        { name: 'ecs.capability.gpu' },
      ]),
    );
    expect(instance?.registeredResources?.find((r) => r.name === 'PORTS')?.stringSetValue).toEqual(['22', '2375', '2376', '9100', '51678', '51679']);
  });

  it('counts host ports the agent registers as taken, TCP and UDP', async () => {
    const ecs = ecsClient(emulator);
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'ci',
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
          { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['8080'] },
          { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: ['9000'] },
        ],
      }),
    );
    const arn = registered.containerInstance?.containerInstanceArn ?? '';
    emulator.admin.registerTaskDefinition(containerSized('wants-tcp', 1, 1, { hostPort: 8080 }));
    emulator.admin.registerTaskDefinition(containerSized('wants-udp', 1, 1, { udpPort: 9000 }));
    const start = (taskDefinition: string) => ecs.send(new StartTaskCommand({ cluster: 'ci', taskDefinition, containerInstances: [arn] }));
    expect((await start('wants-tcp')).failures).toEqual([{ arn, reason: 'RESOURCE:PORTS' }]);
    expect((await start('wants-udp')).failures).toEqual([{ arn, reason: 'RESOURCE:PORTS_UDP' }]);
  });

  it('drains and reactivates, reporting unknown ids as MISSING', async () => {
    const arn = emulator.admin.registerInstance({ cluster: 'ci', cpu: 1024, memory: 1024 });
    const ecs = ecsClient(emulator);
    const drained = await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'ci', containerInstances: [arn, 'nope'], status: 'DRAINING' }));
    expect(drained.containerInstances?.map((i) => i.status)).toEqual(['DRAINING']);
    expect(drained.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/ci/nope', reason: 'MISSING' }]);
    const back = await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'ci', containerInstances: [arn], status: 'ACTIVE' }));
    expect(back.containerInstances?.[0]?.status).toBe('ACTIVE');
  });

  it('keeps standalone tasks running on a draining instance', async () => {
    const arn = emulator.admin.registerInstance({ cluster: 'ci', cpu: 1024, memory: 1024 });
    const [task] = (await ecsClient(emulator).send(new StartTaskCommand({ cluster: 'ci', taskDefinition: 'small', containerInstances: [arn] }))).tasks ?? [];
    emulator.admin.drainInstance(arn);
    await emulator.admin.settle();
    expect(emulator.admin.describeTask(task?.taskArn ?? '')).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
  });

  it('refuses to deregister an instance with tasks unless forced, then marks them STOPPED', async () => {
    const arn = emulator.admin.registerInstance({ cluster: 'ci', cpu: 1024, memory: 1024 });
    const ecs = ecsClient(emulator);
    const [task] = (await ecs.send(new StartTaskCommand({ cluster: 'ci', taskDefinition: 'small', containerInstances: [arn] }))).tasks ?? [];
    const refused = await rejection(ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ci', containerInstance: arn })));
    expect(refused.name).toBe('InvalidParameterException');
    const forced = await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ci', containerInstance: arn, force: true }));
    expect(forced.containerInstance).toMatchObject({ status: 'INACTIVE', agentConnected: false });
    await emulator.admin.settle();
    expect(emulator.admin.describeTask(task?.taskArn ?? '')).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ci', containerInstances: [arn] }));
    expect(described.containerInstances?.[0]?.status).toBe('INACTIVE');
  });

  it('puts attributes on an instance, within ECS limits', async () => {
    const arn = emulator.admin.registerInstance({ cluster: 'ci', cpu: 1024, memory: 1024 });
    const ecs = ecsClient(emulator);
    await ecs.send(new PutAttributesCommand({ cluster: 'ci', attributes: [{ name: 'team', value: 'data', targetType: 'container-instance', targetId: arn }] }));
    expect(emulator.admin.describeInstance(arn).attributes.team).toBe('data');
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `custom-${i}`, value: 'x', targetType: 'container-instance' as const, targetId: arn }));
    const limited = await rejection(ecs.send(new PutAttributesCommand({ cluster: 'ci', attributes: many })));
    expect(limited.name).toBe('AttributeLimitExceededException');
    const unknown = await rejection(
      ecs.send(new PutAttributesCommand({ cluster: 'ci', attributes: [{ name: 'a', value: 'b', targetType: 'container-instance', targetId: 'nope' }] })),
    );
    expect(unknown.name).toBe('TargetNotFoundException');
  });

  it('validates task definitions and keeps deregistered revisions describable but not runnable', async () => {
    const ecs = ecsClient(emulator);
    const noMemory = await rejection(ecs.send(new RegisterTaskDefinitionCommand({ family: 'bad', containerDefinitions: [{ name: 'a', image: 'a' }] })));
    expect(noMemory.name).toBe('ClientException');
    const badFamily = await rejection(ecs.send(new RegisterTaskDefinitionCommand({ ...containerSized('ok', 1, 1), family: 'no spaces' })));
    expect(badFamily.message).toBe('Family contains invalid characters.');

    await ecs.send(new RegisterTaskDefinitionCommand(containerSized('retire', 1, 1)));
    await ecs.send(new RegisterTaskDefinitionCommand(containerSized('retire', 2, 2)));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'retire:2' }));
    expect((await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'retire' }))).taskDefinition?.revision).toBe(1);
    expect((await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'retire:2' }))).taskDefinition?.status).toBe('INACTIVE');
    const arn = emulator.admin.registerInstance({ cluster: 'ci', cpu: 1024, memory: 1024 });
    const inactive = await rejection(ecs.send(new StartTaskCommand({ cluster: 'ci', taskDefinition: 'retire:2', containerInstances: [arn] })));
    expect(inactive.name).toBe('ClientException');
  });
});
