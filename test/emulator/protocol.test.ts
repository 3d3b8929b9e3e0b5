import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ServerException,
  StartTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { containerSized, ecsClient, rejection } from './helpers.js';

describe('ECS JSON 1.1 protocol, through the real SDK', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 7 });
  });
  afterAll(() => emulator.close());

  it('serves on 127.0.0.1 and answers with parsed shapes, dates as Date', async () => {
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ecs = ecsClient(emulator);
    const created = await ecs.send(new CreateClusterCommand({ clusterName: 'proto' }));
    expect(created.cluster).toMatchObject({ clusterName: 'proto', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/proto', status: 'ACTIVE' });

    const instanceArn = emulator.admin.registerInstance({ cluster: 'proto', cpu: 2048, memory: 4096 });
    const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'proto', containerInstances: [instanceArn] }));
    expect(described.containerInstances?.[0]?.registeredAt).toBeInstanceOf(Date);
    expect(described.containerInstances?.[0]?.containerInstanceArn).toBe(instanceArn);
  });

  it('answers a missing cluster with ClusterNotFoundException, as the SDK class', async () => {
    const error = await rejection(ecsClient(emulator).send(new ListTasksCommand({ cluster: 'nowhere' })));
    expect(error).toBeInstanceOf(ClusterNotFoundException);
    expect(error.name).toBe('ClusterNotFoundException');
    expect(error.message).toBe('Cluster not found.');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('takes clusters by name or ARN and reports unknown ones as MISSING failures', async () => {
    const ecs = ecsClient(emulator);
    const answer = await ecs.send(
      new DescribeClustersCommand({ clusters: ['arn:aws:ecs:us-east-1:123456789012:cluster/proto', 'ghost'] }),
    );
    expect(answer.clusters?.map((c) => c.clusterName)).toEqual(['proto']);
    expect(answer.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ghost', reason: 'MISSING' }]);
    const listed = await ecs.send(new ListClustersCommand({}));
    expect(listed.clusterArns).toContain('arn:aws:ecs:us-east-1:123456789012:cluster/proto');
  });

  it('uses the cluster named "default" when none is given', async () => {
    const ecs = ecsClient(emulator);
    expect((await rejection(ecs.send(new ListTasksCommand({})))).name).toBe('ClusterNotFoundException');
    emulator.admin.createCluster('default');
    expect((await ecs.send(new ListTasksCommand({}))).taskArns).toEqual([]);
  });

  it('answers an operation it does not implement with a clear error', async () => {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.CreateService' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'The ECS emulator does not implement CreateService.',
    });
  });

  it('does not mistake Object.prototype members for operations', async () => {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.toString' },
      body: '{}',
    });
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });

  it('resolves task definitions by family (latest ACTIVE), family:revision and ARN', async () => {
    const ecs = ecsClient(emulator);
    const first = await ecs.send(new RegisterTaskDefinitionCommand(containerSized('resolve', 128, 128)));
    const second = await ecs.send(new RegisterTaskDefinitionCommand(containerSized('resolve', 256, 256)));
    expect(second.taskDefinition?.revision).toBe(2);
    const byFamily = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'resolve' }));
    expect(byFamily.taskDefinition?.taskDefinitionArn).toBe(second.taskDefinition?.taskDefinitionArn);
    const byRevision = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'resolve:1' }));
    expect(byRevision.taskDefinition?.containerDefinitions?.[0]?.cpu).toBe(128);
    const byArn = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: first.taskDefinition?.taskDefinitionArn }));
    expect(byArn.taskDefinition?.revision).toBe(1);
    expect(byArn.taskDefinition?.registeredAt).toBeInstanceOf(Date);
    const missing = await rejection(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'resolve:9' })));
    expect(missing.name).toBe('ClientException');
  });

  it('keeps the roles a task definition names and returns them, as StartTask passes them', async () => {
    const ecs = ecsClient(emulator);
    const roles = { taskRoleArn: 'arn:aws:iam::123456789012:role/app', executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' };
    await ecs.send(new RegisterTaskDefinitionCommand({ ...containerSized('with-roles', 128, 128), ...roles }));
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'with-roles' }));
    expect(described.taskDefinition).toMatchObject(roles);
  });

  it('answers an injected client error as that error, such as AccessDeniedException for a role it may not pass', async () => {
    const remove = emulator.failCalls({ operation: 'ListClusters', error: { type: 'AccessDeniedException', message: 'not authorized to perform: iam:PassRole' } });
    try {
      const error = await rejection(ecsClient(emulator).send(new ListClustersCommand({})));
      expect(error.name).toBe('AccessDeniedException');
      expect(error.message).toBe('not authorized to perform: iam:PassRole');
      expect(error.$metadata?.httpStatusCode).toBe(400);
    } finally {
      remove();
    }
  });

  it('rejects a StartTask of an unknown task definition with ClientException', async () => {
    emulator.admin.createCluster('td-missing');
    const error = await rejection(
      ecsClient(emulator).send(new StartTaskCommand({ cluster: 'td-missing', taskDefinition: 'nope', containerInstances: ['x'] })),
    );
    expect(error.name).toBe('ClientException');
    expect(error.message).toBe('TaskDefinition not found.');
  });

  it('answers an injected 500 as ServerException', async () => {
    const remove = emulator.failCalls({ operation: 'ListClusters' });
    try {
      const error = await rejection(ecsClient(emulator).send(new ListClustersCommand({})));
      expect(error).toBeInstanceOf(ServerException);
      expect(error.$metadata?.httpStatusCode).toBe(500);
    } finally {
      remove();
    }
  });
});
