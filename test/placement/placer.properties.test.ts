import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { place, type PlacementRequest } from '../../shared/placement/placer.js';
import { seededRandom } from '../../shared/placement/random.js';
import type { PlacementConstraint, PlacementStrategy } from '../../shared/placement/types.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import type { ContainerInstance } from '../../shared/state/types.js';
import { instances, ports, resource } from '../support/arbitrary-cluster.js';
import { CLUSTER, taskFixture } from '../support/fixtures.js';

/**
 * The placer's promise, over arbitrary clusters and requests: whatever the constraints and the
 * strategy chain, the copies it places fit, together, in what each instance has left.
 */

const strategy: fc.Arbitrary<PlacementStrategy> = fc.constantFrom<PlacementStrategy>(
  { type: 'random' },
  { type: 'binpack', field: 'cpu' },
  { type: 'binpack', field: 'memory' },
  { type: 'spread', field: 'instanceId' },
  { type: 'spread', field: 'attribute:role' },
);

const constraint: fc.Arbitrary<PlacementConstraint> = fc.constantFrom<PlacementConstraint>(
  { type: 'distinctInstance' },
  { type: 'memberOf', expression: 'attribute:role == web' },
  { type: 'memberOf', expression: 'not(task:group == batch)' },
);

const scenario = fc.record({
  instances: instances(),
  /** Other work on the instances: groups for distinctInstance, task:group and spread's peers. */
  tasks: fc.array(fc.record({ on: fc.nat(7), group: fc.constantFrom('batch', 'report', 'web') }), { maxLength: 10 }),
  requirements: fc.record({ cpu: resource, memory: resource, tcpPorts: ports, udpPorts: ports }),
  count: fc.integer({ min: 1, max: 10 }),
  constraints: fc.uniqueArray(constraint, { maxLength: 2, selector: (c) => JSON.stringify(c) }),
  strategy: fc.array(strategy, { minLength: 1, maxLength: 3 }),
  group: fc.option(fc.constantFrom('report', 'web'), { nil: undefined }),
  seed: fc.nat(),
});

describe('place, for any cluster and request', () => {
  it('never over-commits cpu, memory or host ports on an instance, and uses only ACTIVE instances with an agent', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const snapshot = await Snapshot.create(CLUSTER, { kind: 'all' });
        try {
          snapshot.putInstances(input.instances);
          const tasks = input.tasks
            .filter((t) => input.instances[t.on] !== undefined)
            .map((t, i) => taskFixture(`t${i}`, { containerInstanceArn: input.instances[t.on]!.arn, group: t.group }));
          snapshot.putTasks(tasks);
          const request: PlacementRequest = {
            requirements: input.requirements,
            count: input.count,
            constraints: input.constraints,
            strategy: input.strategy,
            group: input.group,
            peers: tasks.filter((t) => t.group === input.group),
            random: seededRandom(input.seed),
          };
          const result = place(snapshot, request);

          expect(result.placements.length + result.unplaced).toBe(input.count);
          const copies = new Map<ContainerInstance, number>();
          for (const instance of result.placements) copies.set(instance, (copies.get(instance) ?? 0) + 1);
          const { cpu, memory, tcpPorts, udpPorts } = input.requirements;
          for (const [instance, n] of copies) {
            expect(instance.status).toBe('ACTIVE');
            expect(instance.agentConnected).toBe(true);
            expect(n * cpu).toBeLessThanOrEqual(instance.remainingCpu);
            expect(n * memory).toBeLessThanOrEqual(instance.remainingMemory);
            if (tcpPorts.length + udpPorts.length > 0) {
              // A host port is taken by the first copy on an instance: a second copy would clash.
              expect(n).toBe(1);
              expect(tcpPorts.filter((p) => instance.tcpPortsInUse.includes(p))).toEqual([]);
              expect(udpPorts.filter((p) => instance.udpPortsInUse.includes(p))).toEqual([]);
            }
          }
        } finally {
          snapshot.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});
