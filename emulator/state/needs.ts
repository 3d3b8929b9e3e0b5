import type { TaskOverride } from '@aws-sdk/client-ecs';
import type { ContainerDefinitionRecord, TaskDefinitionRecord, TaskNeeds } from './model.js';

/**
 * Task-level `cpu` as ECS accepts it: CPU units ("1024") or vCPUs ("1 vCPU", "0.5 vcpu").
 * Returns undefined for text ECS would reject.
 */
export function parseCpu(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : amount;
}

/** Task-level `memory` as ECS accepts it: MiB ("2048") or GB ("2 GB", "0.5GB"). */
export function parseMemory(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : amount;
}

/**
 * What a task of this definition reserves on an EC2 instance: task-level cpu/memory when set,
 * otherwise the sum over containers (memoryReservation when set, else memory). Overrides apply
 * first, as ECS applies them before placing the task. Static host ports come from the port
 * mappings the network mode turns into host bindings.
 */
export function taskNeeds(definition: TaskDefinitionRecord, overrides: TaskOverride = {}): TaskNeeds {
  const containers = definition.containers.map((container) => withOverrides(container, overrides));
  const taskCpu = overrides.cpu !== undefined ? parseCpu(overrides.cpu) : definition.cpu;
  const taskMemory = overrides.memory !== undefined ? parseMemory(overrides.memory) : definition.memory;
  const needs: TaskNeeds = {
    cpu: taskCpu ?? sum(containers.map((c) => c.cpu)),
    memory: taskMemory ?? sum(containers.map((c) => c.memoryReservation ?? c.memory ?? 0)),
    tcpPorts: [],
    udpPorts: [],
  };
  for (const container of containers) {
    for (const mapping of container.portMappings) {
      if (mapping.hostPort === undefined) continue;
      (mapping.protocol === 'udp' ? needs.udpPorts : needs.tcpPorts).push(mapping.hostPort);
    }
  }
  return needs;
}

function withOverrides(container: ContainerDefinitionRecord, overrides: TaskOverride): ContainerDefinitionRecord {
  const override = overrides.containerOverrides?.find((o) => o.name === container.name);
  if (!override) return container;
  return {
    ...container,
    cpu: override.cpu ?? container.cpu,
    memory: override.memory ?? container.memory,
    memoryReservation: override.memoryReservation ?? container.memoryReservation,
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
