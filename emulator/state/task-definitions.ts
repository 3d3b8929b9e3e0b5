import type { ContainerDefinition, PortMapping as SdkPortMapping, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { clientError } from '../errors.js';
import type { ContainerDefinitionRecord, PortMapping, TaskDefinitionRecord } from './model.js';
import { parseCpu, parseMemory } from './needs.js';
import type { Store } from './store.js';

const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'] as const;
type NetworkMode = (typeof NETWORK_MODES)[number];

/** Registers the next revision of the family, validating what placement depends on. */
export function registerTaskDefinition(store: Store, request: RegisterTaskDefinitionRequest): TaskDefinitionRecord {
  const family = request.family ?? '';
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) throw clientError('Family contains invalid characters.');
  const networkMode = (request.networkMode ?? 'bridge') as NetworkMode;
  if (!NETWORK_MODES.includes(networkMode)) throw clientError(`Invalid networkMode '${networkMode}'.`);
  const cpu = request.cpu === undefined ? undefined : parseCpu(request.cpu);
  if (request.cpu !== undefined && cpu === undefined) throw clientError("Invalid 'cpu' setting for task.");
  const memory = request.memory === undefined ? undefined : parseMemory(request.memory);
  if (request.memory !== undefined && memory === undefined) throw clientError("Invalid 'memory' setting for task.");
  const definitions = request.containerDefinitions ?? [];
  if (definitions.length === 0) throw clientError('Container list cannot be empty.');

  const containers = definitions.map((definition) => containerRecord(definition, networkMode, memory !== undefined));
  const revision = store.revisions(family).length + 1;
  const record: TaskDefinitionRecord = {
    arn: store.arns.taskDefinition(family, revision),
    family,
    revision,
    status: 'ACTIVE',
    networkMode,
    cpu,
    memory,
    containers,
    request,
    registeredAt: store.now(),
  };
  store.addTaskDefinition(record);
  return record;
}

/**
 * A task definition by family (its latest ACTIVE revision), family:revision, or full ARN, as
 * ECS resolves the `taskDefinition` parameter. ECS's side of the wire reads references on its
 * own, not with the schedulers' parser, so a mistake there shows up against it in tests.
 */
export function findTaskDefinition(store: Store, reference: string): TaskDefinitionRecord | undefined {
  const marker = ':task-definition/';
  const at = reference.indexOf(marker);
  const familyAndRevision = reference.startsWith('arn:') && at !== -1 ? reference.slice(at + marker.length) : reference;
  const [family = '', revisionText] = familyAndRevision.split(':');
  const revisions = store.revisions(family);
  if (revisionText === undefined) return revisions.findLast((revision) => revision.status === 'ACTIVE');
  return revisions[Number(revisionText) - 1];
}

export function deregisterTaskDefinition(store: Store, definition: TaskDefinitionRecord): void {
  if (definition.status === 'INACTIVE') return;
  definition.status = 'INACTIVE';
  definition.deregisteredAt = store.now();
}

function containerRecord(definition: ContainerDefinition, networkMode: NetworkMode, taskHasMemory: boolean): ContainerDefinitionRecord {
  const name = definition.name ?? '';
  if (!name) throw clientError('Container name should not be null or empty.');
  if (!definition.image) throw clientError(`Container.image should not be null or empty (container '${name}').`);
  if (!taskHasMemory && definition.memory === undefined && definition.memoryReservation === undefined) {
    throw clientError(`Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
  }
  return {
    name,
    image: definition.image,
    cpu: definition.cpu ?? 0,
    memory: definition.memory,
    memoryReservation: definition.memoryReservation,
    portMappings: (definition.portMappings ?? []).map((mapping) => portMapping(mapping, networkMode, name)),
  };
}

/**
 * Which host port a mapping holds on the instance: `hostPort` > 0 in bridge mode (0 or absent is a
 * dynamic port ECS does not account), the container port itself in host mode, none with awsvpc
 * (the task has its own network interface).
 */
function portMapping(mapping: SdkPortMapping, networkMode: NetworkMode, container: string): PortMapping {
  const { containerPort, hostPort } = mapping;
  if (containerPort === undefined) throw clientError(`Container '${container}': portMappings need a containerPort.`);
  const protocol = mapping.protocol ?? 'tcp';
  if (networkMode === 'none') throw clientError('Port mappings are not allowed with the none network mode.');
  if (networkMode === 'host' || networkMode === 'awsvpc') {
    if (hostPort !== undefined && hostPort !== 0 && hostPort !== containerPort) {
      throw clientError(`Container '${container}': hostPort must match containerPort in ${networkMode} network mode.`);
    }
    return { containerPort, hostPort: networkMode === 'host' ? containerPort : undefined, protocol };
  }
  return { containerPort, hostPort: hostPort !== undefined && hostPort > 0 ? hostPort : undefined, protocol };
}
