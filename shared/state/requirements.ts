import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { NetworkMode, Requirements } from './types.js';

/**
 * Resources ECS reserves for one task of this definition on an EC2 instance:
 * task-level cpu/memory when set, otherwise the sum over containers (a container's soft
 * memoryReservation wins over its hard memory limit, as ECS reserves the soft value).
 */
export function taskRequirements(definition: TaskDefinition): Requirements {
  const containers = definition.containerDefinitions ?? [];
  const taskCpu = parseCpu(definition.cpu);
  const taskMemory = parseMemory(definition.memory);
  const cpu = taskCpu ?? containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  const memory = taskMemory ?? containers.reduce((sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0), 0);
  return { cpu, memory, ...staticHostPorts(definition) };
}

export function networkModeOf(definition: TaskDefinition): NetworkMode {
  return (definition.networkMode ?? 'bridge') as NetworkMode;
}

/** Host ports a task binds: in bridge mode only explicit non-zero hostPorts; in host mode the container port is the host port. */
function staticHostPorts(definition: TaskDefinition): Pick<Requirements, 'tcpPorts' | 'udpPorts'> {
  const mode = networkModeOf(definition);
  const tcpPorts: number[] = [];
  const udpPorts: number[] = [];
  if (mode !== 'bridge' && mode !== 'host') return { tcpPorts, udpPorts };
  for (const container of definition.containerDefinitions ?? []) {
    for (const mapping of container.portMappings ?? []) {
      const port = mode === 'host' ? (mapping.hostPort ?? mapping.containerPort) : mapping.hostPort;
      if (port === undefined || port <= 0) continue;
      (mapping.protocol === 'udp' ? udpPorts : tcpPorts).push(port);
    }
  }
  return { tcpPorts, udpPorts };
}

/** Task-level cpu is a string: CPU units ("1024") or vCPUs ("1 vCPU", "0.5 vcpu"). */
export function parseCpu(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(value);
  if (!match) throw new Error(`Unrecognized task cpu "${value}": expected CPU units (1024) or vCPUs (1 vCPU)`);
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : amount;
}

/** Task-level memory is a string: MiB ("2048") or GB ("2 GB"). */
export function parseMemory(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(value);
  if (!match) throw new Error(`Unrecognized task memory "${value}": expected MiB (2048) or GB (2 GB)`);
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : amount;
}
