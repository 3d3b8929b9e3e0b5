import type { ClusterInfo, ContainerInstance, Task } from '../../shared/state/types.js';

/** Plain snapshot values for unit tests of pure code; override only what a case is about. */

export const CLUSTER: ClusterInfo = {
  arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/test',
  name: 'test',
  status: 'ACTIVE',
};

export function instanceFixture(id: string, overrides: Partial<ContainerInstance> = {}): ContainerInstance {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/test/${id}`,
    ec2InstanceId: `i-${id}`,
    status: 'ACTIVE',
    agentConnected: true,
    agentVersion: '1.80.0',
    registeredCpu: 2048,
    registeredMemory: 4096,
    remainingCpu: 2048,
    remainingMemory: 4096,
    tcpPortsInUse: [22, 2375, 2376, 51678, 51679],
    udpPortsInUse: [],
    attributes: new Map([['ecs.availability-zone', 'us-east-1a']]),
    registeredAt: new Date('2026-01-01T00:00:00Z'),
    runningTasksCount: 0,
    pendingTasksCount: 0,
    version: 1,
    ...overrides,
  };
}

export function taskFixture(id: string, overrides: Partial<Task> = {}): Task {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task/test/${id}`,
    containerInstanceArn: undefined,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    family: 'web',
    revision: 1,
    startedBy: undefined,
    group: undefined,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    startedAt: new Date('2026-01-01T00:00:05Z'),
    cpu: 128,
    memory: 256,
    version: 2,
    ...overrides,
  };
}
