import type {
  Attribute,
  DeregisterContainerInstanceRequest,
  DescribeContainerInstancesRequest,
  Failure,
  ListContainerInstancesRequest,
  PutAttributesRequest,
  RegisterContainerInstanceRequest,
  Resource,
  UpdateContainerInstancesStateRequest,
} from '@aws-sdk/client-ecs';
import { EcsError, invalidParameter } from '../errors.js';
import { deregisterInstance, putAttributes, registerInstance, setInstanceStatus } from '../state/instances.js';
import type { ClusterRecord, InstanceRecord } from '../state/model.js';
import { epochSeconds, instanceShape } from '../state/shapes.js';
import type { Store } from '../state/store.js';
import { checkMaxItems, failureArn, nonEmpty } from './input.js';
import { operation } from './operation.js';
import { paginate } from './pagination.js';

/** What the agent's instance identity document tells ECS; the emulator accepts it absent. */
interface IdentityDocument {
  instanceId?: string;
  availabilityZone?: string;
  instanceType?: string;
  imageId?: string;
  architecture?: string;
}

export const RegisterContainerInstance = operation<RegisterContainerInstanceRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const identity = identityDocument(request.instanceIdentityDocument);
  const resources = request.totalResources ?? [];
  const instance = registerInstance(store, {
    cluster,
    cpu: integerResource(resources, 'CPU'),
    memory: integerResource(resources, 'MEMORY'),
    tcpPorts: portsResource(resources, 'PORTS'),
    udpPorts: portsResource(resources, 'PORTS_UDP'),
    attributes: request.attributes,
    ec2InstanceId: identity.instanceId,
    availabilityZone: identity.availabilityZone,
    instanceType: identity.instanceType,
    amiId: identity.imageId,
    cpuArchitecture: identity.architecture,
    tags: request.tags,
  });
  return { containerInstance: instanceShape(instance, epochSeconds) };
});

export const DeregisterContainerInstance = operation<DeregisterContainerInstanceRequest>((store, request) => {
  const instance = requireInstance(store, store.requireCluster(request.cluster), request.containerInstance);
  deregisterInstance(store, instance, request.force ?? false);
  return { containerInstance: instanceShape(instance, epochSeconds) };
});

export const UpdateContainerInstancesState = operation<UpdateContainerInstancesStateRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const ids = nonEmpty(request.containerInstances, 'containerInstances cannot be empty.');
  checkMaxItems(ids, 10, 'containerInstances');
  const status = request.status;
  if (status !== 'ACTIVE' && status !== 'DRAINING') throw invalidParameter('status must be ACTIVE or DRAINING.');
  const changed = [];
  const failures: Failure[] = [];
  for (const id of ids) {
    const instance = store.findInstance(cluster, id);
    if (!instance) failures.push({ arn: failureArn(id, (short) => store.arns.containerInstance(cluster.name, short)), reason: 'MISSING' });
    else if (instance.status === 'INACTIVE') failures.push({ arn: instance.arn, reason: 'INACTIVE' });
    else {
      setInstanceStatus(store, instance, status);
      changed.push(instanceShape(instance, epochSeconds));
    }
  }
  return { containerInstances: changed, failures };
});

export const PutAttributes = operation<PutAttributesRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const attributes = nonEmpty(request.attributes, 'attributes cannot be empty.');
  checkMaxItems(attributes, 10, 'attributes');
  const byInstance = new Map<InstanceRecord, Attribute[]>();
  for (const attribute of attributes) {
    if (attribute.targetType !== undefined && attribute.targetType !== 'container-instance') {
      throw invalidParameter('targetType must be container-instance.');
    }
    if (!attribute.targetId) throw invalidParameter('targetId is required for each attribute.');
    const instance = store.findInstance(cluster, attribute.targetId);
    if (!instance) throw new EcsError('TargetNotFoundException', `Could not find ${attribute.targetId}.`);
    byInstance.set(instance, [...(byInstance.get(instance) ?? []), { name: attribute.name, value: attribute.value }]);
  }
  for (const [instance, forInstance] of byInstance) putAttributes(store, instance, forInstance);
  return { attributes };
});

export const ListContainerInstances = operation<ListContainerInstancesRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  if (request.filter !== undefined) {
    throw invalidParameter('The ECS emulator does not evaluate cluster query language filters; filter the described instances instead.');
  }
  // Without a status, ECS lists every instance that is not INACTIVE.
  const matches = request.status === undefined ? (i: InstanceRecord) => i.status !== 'INACTIVE' : (i: InstanceRecord) => i.status === request.status;
  const page = paginate(cluster.instances, matches, request, `ListContainerInstances:${cluster.arn}`);
  return { containerInstanceArns: page.items.map((instance) => instance.arn), nextToken: page.nextToken };
});

export const DescribeContainerInstances = operation<DescribeContainerInstancesRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const ids = nonEmpty(request.containerInstances, 'containerInstances cannot be empty.');
  checkMaxItems(ids, 100, 'containerInstances');
  const tags = request.include?.includes('TAGS') ?? false;
  const containerInstances = [];
  const failures: Failure[] = [];
  for (const id of ids) {
    const instance = store.findInstance(cluster, id);
    if (instance) containerInstances.push(instanceShape(instance, epochSeconds, { tags }));
    else failures.push({ arn: failureArn(id, (short) => store.arns.containerInstance(cluster.name, short)), reason: 'MISSING' });
  }
  return { containerInstances, failures };
});

function requireInstance(store: Store, cluster: ClusterRecord, idOrArn: string | undefined): InstanceRecord {
  const instance = idOrArn === undefined ? undefined : store.findInstance(cluster, idOrArn);
  if (!instance) throw invalidParameter('The referenced container instance was not found.');
  return instance;
}

function identityDocument(document: string | undefined): IdentityDocument {
  if (document === undefined || document.trim() === '') return {};
  try {
    return JSON.parse(document) as IdentityDocument;
  } catch {
    throw invalidParameter('instanceIdentityDocument is not valid JSON.');
  }
}

function integerResource(resources: Resource[], name: 'CPU' | 'MEMORY'): number {
  const value = resources.find((resource) => resource.name === name)?.integerValue;
  if (value === undefined || value < 0) throw invalidParameter(`totalResources must include a non-negative ${name} integerValue.`);
  return value;
}

function portsResource(resources: Resource[], name: 'PORTS' | 'PORTS_UDP'): number[] {
  return (resources.find((resource) => resource.name === name)?.stringSetValue ?? []).map(Number);
}
