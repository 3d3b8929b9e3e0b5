import type { InstanceRecord, TaskNeeds } from './model.js';

/** ECS's `failures[].reason` for a container instance that cannot take a task. */
export type PlacementFailure =
  | 'INACTIVE'
  | 'DRAINING'
  | 'AGENT'
  | 'RESOURCE:CPU'
  | 'RESOURCE:MEMORY'
  | 'RESOURCE:PORTS'
  | 'RESOURCE:PORTS_UDP';

/** Why `instance` cannot take a task with these needs right now, or undefined if it can. */
export function placementFailure(instance: InstanceRecord, needs: TaskNeeds): PlacementFailure | undefined {
  if (instance.status === 'INACTIVE') return 'INACTIVE';
  if (instance.status === 'DRAINING') return 'DRAINING';
  if (!instance.agentConnected) return 'AGENT';
  return resourceShortfall(instance, needs);
}

export function resourceShortfall(instance: InstanceRecord, needs: TaskNeeds): PlacementFailure | undefined {
  const { registered, used } = instance;
  if (registered.cpu - used.cpu < needs.cpu) return 'RESOURCE:CPU';
  if (registered.memory - used.memory < needs.memory) return 'RESOURCE:MEMORY';
  if (needs.tcpPorts.some((port) => registered.tcpPorts.has(port) || used.tcpPorts.has(port))) return 'RESOURCE:PORTS';
  if (needs.udpPorts.some((port) => registered.udpPorts.has(port) || used.udpPorts.has(port))) return 'RESOURCE:PORTS_UDP';
  return undefined;
}

export function reserve(instance: InstanceRecord, needs: TaskNeeds): void {
  const { used } = instance;
  used.cpu += needs.cpu;
  used.memory += needs.memory;
  for (const port of needs.tcpPorts) used.tcpPorts.add(port);
  for (const port of needs.udpPorts) used.udpPorts.add(port);
}

export function release(instance: InstanceRecord, needs: TaskNeeds): void {
  const { used } = instance;
  used.cpu -= needs.cpu;
  used.memory -= needs.memory;
  for (const port of needs.tcpPorts) used.tcpPorts.delete(port);
  for (const port of needs.udpPorts) used.udpPorts.delete(port);
}
