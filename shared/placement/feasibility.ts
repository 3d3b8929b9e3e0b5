import type { ContainerInstance, Requirements } from '../state/types.js';
import type { InstanceFacts } from './expression/index.js';
import type { RejectionReason } from './types.js';

/**
 * The checks an instance must pass to take a copy, in the order they are reported: the first
 * failed check is the reason given. Checks that cannot change while copies are placed (status,
 * agent, constraint) are separate from those that can (distinct instance, resources).
 */

export function standingRejection(
  instance: ContainerInstance,
  constraint: ((facts: InstanceFacts) => boolean) | undefined,
  facts: () => InstanceFacts,
): RejectionReason | undefined {
  if (instance.status !== 'ACTIVE') return 'STATUS';
  if (!instance.agentConnected) return 'AGENT';
  if (constraint && !constraint(facts())) return 'CONSTRAINT';
  return undefined;
}

export interface Capacity {
  cpu: number;
  memory: number;
  tcpPorts: Set<number>;
  udpPorts: Set<number>;
}

export function capacityRejection(capacity: Capacity, needs: Requirements): RejectionReason | undefined {
  if (capacity.cpu < needs.cpu) return 'RESOURCE:CPU';
  if (capacity.memory < needs.memory) return 'RESOURCE:MEMORY';
  if (needs.tcpPorts.some((port) => capacity.tcpPorts.has(port))) return 'RESOURCE:PORTS';
  if (needs.udpPorts.some((port) => capacity.udpPorts.has(port))) return 'RESOURCE:PORTS';
  return undefined;
}

export function capacityOf(instance: ContainerInstance): Capacity {
  return {
    cpu: instance.remainingCpu,
    memory: instance.remainingMemory,
    tcpPorts: new Set(instance.tcpPortsInUse),
    udpPorts: new Set(instance.udpPortsInUse),
  };
}

export function take(capacity: Capacity, needs: Requirements): void {
  capacity.cpu -= needs.cpu;
  capacity.memory -= needs.memory;
  for (const port of needs.tcpPorts) capacity.tcpPorts.add(port);
  for (const port of needs.udpPorts) capacity.udpPorts.add(port);
}
