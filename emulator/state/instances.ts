import type { Attribute, Tag } from '@aws-sdk/client-ecs';
import { EcsError, invalidParameter } from '../errors.js';
import { instanceChanged } from './changes.js';
import type { ClusterRecord, InstanceRecord } from './model.js';
import type { Store } from './store.js';
import { requestStop } from './tasks.js';

/** Ports ECS holds on every container instance: SSH, the Docker daemon, and its own agent. */
export const ECS_RESERVED_PORTS: readonly number[] = [22, 2375, 2376, 51678, 51679];

/** Capabilities the ECS agent reports on a Linux instance; present, without values. */
const AGENT_CAPABILITIES = [
  'com.amazonaws.ecs.capability.docker-remote-api.1.44',
  'com.amazonaws.ecs.capability.logging-driver.awslogs',
  'ecs.capability.task-eni',
];

/** Stands in for the ECS-optimized AMI when the registration names none. */
const DEFAULT_AMI = 'ami-0a1b2c3d4e5f60718';

/** ECS allows this many attributes that are not its own (ecs.*, com.amazonaws.ecs.*) per instance. */
const CUSTOM_ATTRIBUTE_LIMIT = 10;

export interface InstanceRegistration {
  cluster: ClusterRecord;
  cpu: number;
  memory: number;
  /** Host ports held besides ECS's own, as an agent registers them. */
  tcpPorts?: number[];
  udpPorts?: number[];
  attributes?: Attribute[];
  ec2InstanceId?: string;
  availabilityZone?: string;
  instanceType?: string;
  amiId?: string;
  cpuArchitecture?: string;
  agentConnected?: boolean;
  registeredAt?: number;
  tags?: Tag[];
  /** The Auto Scaling group capacity provider of the cluster that launched the instance. */
  capacityProviderName?: string;
  /** The seeder passes its own ids so a seed always yields the same ARNs. */
  id?: string;
}

export function registerInstance(store: Store, registration: InstanceRegistration): InstanceRecord {
  const { cluster } = registration;
  const provider = registration.capacityProviderName;
  if (provider !== undefined && !cluster.capacityProviders.get(provider)?.autoScalingGroupArn) {
    throw invalidParameter(`The capacity provider ${provider} is not an Auto Scaling group capacity provider of cluster ${cluster.name}.`);
  }
  const id = registration.id ?? store.newId();
  const now = store.now();
  const attributes = new Map<string, string | undefined>([
    ['ecs.availability-zone', registration.availabilityZone ?? `${store.region}a`],
    ['ecs.instance-type', registration.instanceType ?? 'm5.large'],
    ['ecs.os-type', 'linux'],
    ['ecs.os-family', 'LINUX'],
    ['ecs.cpu-architecture', registration.cpuArchitecture ?? 'x86_64'],
    ['ecs.ami-id', registration.amiId ?? DEFAULT_AMI],
    ...AGENT_CAPABILITIES.map((name): [string, undefined] => [name, undefined]),
  ]);
  setAttributes(attributes, registration.attributes ?? []);
  const instance: InstanceRecord = {
    id,
    arn: store.arns.containerInstance(cluster.name, id),
    capacityProviderName: provider,
    seq: store.nextSeq(),
    cluster,
    ec2InstanceId: registration.ec2InstanceId ?? `i-${id.slice(-17)}`,
    status: 'ACTIVE',
    agentConnected: registration.agentConnected ?? true,
    attributes,
    registered: {
      cpu: registration.cpu,
      memory: registration.memory,
      tcpPorts: new Set([...ECS_RESERVED_PORTS, ...(registration.tcpPorts ?? [])]),
      udpPorts: new Set(registration.udpPorts ?? []),
    },
    used: { cpu: 0, memory: 0, tcpPorts: new Set(), udpPorts: new Set() },
    tasks: [],
    runningTasksCount: 0,
    pendingTasksCount: 0,
    version: 0,
    registeredAt: registration.registeredAt ?? now,
    updatedAt: now,
    tags: registration.tags ?? [],
  };
  store.addInstance(instance);
  instanceChanged(store, instance);
  return instance;
}

/** DRAINING or back to ACTIVE. Standalone tasks keep running on a draining instance, as in ECS. */
export function setInstanceStatus(store: Store, instance: InstanceRecord, status: 'ACTIVE' | 'DRAINING'): void {
  if (instance.status === 'INACTIVE') throw invalidParameter('The container instance is INACTIVE (deregistered).');
  if (instance.status === status) return;
  instance.status = status;
  instanceChanged(store, instance);
}

export function setAgentConnected(store: Store, instance: InstanceRecord, connected: boolean): void {
  if (instance.agentConnected === connected) return;
  instance.agentConnected = connected;
  instanceChanged(store, instance);
}

export function putAttributes(store: Store, instance: InstanceRecord, attributes: Attribute[]): void {
  setAttributes(instance.attributes, attributes);
  instanceChanged(store, instance);
}

/**
 * Without `force`, ECS refuses while tasks are still on the instance. With it, the instance goes
 * INACTIVE and ECS marks every task on it STOPPED (the containers are orphaned, no longer
 * accounted for).
 */
export function deregisterInstance(store: Store, instance: InstanceRecord, force: boolean): void {
  if (instance.status === 'INACTIVE') return;
  const live = instance.tasks.filter((task) => task.lastStatus !== 'STOPPED');
  if (live.length > 0 && !force) {
    throw invalidParameter('Found running tasks on the instance; stop them first or deregister with force.');
  }
  instance.status = 'INACTIVE';
  instance.agentConnected = false;
  instanceChanged(store, instance);
  for (const task of live) {
    requestStop(store, task, { reason: 'Container instance deregistration forced by user', stopCode: 'UserInitiated' });
  }
}

function setAttributes(target: Map<string, string | undefined>, attributes: Attribute[]): void {
  for (const attribute of attributes) checkAttribute(attribute);
  const names = new Set([...target.keys(), ...attributes.map((attribute) => attribute.name ?? '')]);
  const custom = [...names].filter((name) => !name.startsWith('ecs.') && !name.startsWith('com.amazonaws.ecs.'));
  if (custom.length > CUSTOM_ATTRIBUTE_LIMIT) {
    throw new EcsError('AttributeLimitExceededException', `You can apply up to ${CUSTOM_ATTRIBUTE_LIMIT} custom attributes for each resource.`);
  }
  for (const attribute of attributes) target.set(attribute.name ?? '', attribute.value);
}

function checkAttribute({ name = '', value }: Attribute): void {
  if (!/^[A-Za-z0-9_./\\-]{1,128}$/.test(name)) {
    throw invalidParameter(`Attribute name '${name}' must be 1-128 letters, numbers, hyphens, underscores, slashes or periods.`);
  }
  if (value !== undefined && !/^[A-Za-z0-9_.@/\\: -]{1,128}$/.test(value)) {
    throw invalidParameter(`Attribute value for '${name}' is longer than 128 characters or has characters ECS does not allow.`);
  }
}
