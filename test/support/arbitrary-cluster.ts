import fc from 'fast-check';
import type { ContainerInstance, InstanceStatus } from '../../shared/state/types.js';
import { instanceFixture } from './fixtures.js';

/**
 * fast-check generators for clusters, built from the same fixtures the unit tests use. Values
 * are kept small (a few instances, a few ports, resources in steps of 128) so that copies
 * collide, instances fill up and every branch of a rule is reached within a few hundred runs.
 */

/** Host ports a task or an instance may use: few, so that they clash often. */
export const PORTS = [80, 443, 9100] as const;

export const ports = fc.uniqueArray(fc.constantFrom(...PORTS), { maxLength: 2 });

/** CPU units or MiB, from nothing left to plenty, in steps of 128. */
export const resource = fc.integer({ min: 0, max: 16 }).map((steps) => steps * 128);

const status: fc.Arbitrary<InstanceStatus> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<InstanceStatus>('ACTIVE') },
  { weight: 1, arbitrary: fc.constantFrom<InstanceStatus>('DRAINING', 'INACTIVE') },
);

/** Mostly true: a lost agent is the exception. */
const agentConnected = fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

const instanceShape = fc.record({
  status,
  agentConnected,
  remainingCpu: resource,
  remainingMemory: resource,
  tcpPortsInUse: ports,
  udpPortsInUse: ports,
  role: fc.constantFrom('web' as const, 'batch' as const),
});

/** Instances i-0, i-1, ... of 1 to `max`, with an attribute `role` of web or batch. */
export function instances(max = 8): fc.Arbitrary<ContainerInstance[]> {
  return fc.array(instanceShape, { minLength: 1, maxLength: max }).map((shapes) =>
    shapes.map((shape, i) =>
      instanceFixture(String(i), {
        status: shape.status,
        agentConnected: shape.agentConnected,
        remainingCpu: shape.remainingCpu,
        remainingMemory: shape.remainingMemory,
        tcpPortsInUse: shape.tcpPortsInUse,
        udpPortsInUse: shape.udpPortsInUse,
        attributes: new Map([['role', shape.role]]),
      }),
    ),
  );
}
