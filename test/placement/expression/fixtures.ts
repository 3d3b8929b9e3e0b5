import type { InstanceFacts } from '../../../shared/placement/expression/index.js';

/** A G2 host in us-east-1b running one production service task. */
export const gpuHost: InstanceFacts = {
  containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/demo/gpu',
  ec2InstanceId: 'i-abcd1234',
  agentConnected: true,
  agentVersion: '1.79.0',
  registeredAt: new Date('2018-06-18T22:28:28.512Z'),
  runningTasksCount: 1,
  attributes: new Map([
    ['ecs.instance-type', 'g2.2xlarge'],
    ['ecs.availability-zone', 'us-east-1b'],
    ['stack', 'prod'],
    ['com.amazonaws.ecs.capability.docker-remote-api.1.17', undefined],
  ]),
  taskGroups: ['service:production'],
};

/** An empty t2.small in us-east-1d with a disconnected, older agent. */
export const smallHost: InstanceFacts = {
  containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/demo/small',
  ec2InstanceId: 'i-wxyx7890',
  agentConnected: false,
  agentVersion: '1.14.4',
  registeredAt: new Date('2018-02-12T23:59:59Z'),
  runningTasksCount: 0,
  attributes: new Map([
    ['ecs.instance-type', 't2.small'],
    ['ecs.availability-zone', 'us-east-1d'],
    ['stack', 'dev'],
  ]),
  taskGroups: [],
};

/** A t2.medium in us-east-1a without a stack attribute, running a database and a backup task. */
export const databaseHost: InstanceFacts = {
  containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/demo/db',
  ec2InstanceId: 'i-0123456789abcdef0',
  agentConnected: true,
  agentVersion: '1.14.5',
  registeredAt: new Date('2018-02-13T00:00:00Z'),
  runningTasksCount: 2,
  attributes: new Map([
    ['ecs.instance-type', 't2.medium'],
    ['ecs.availability-zone', 'us-east-1a'],
    ['cores', '16'],
  ]),
  taskGroups: ['database', 'family:backup'],
};
