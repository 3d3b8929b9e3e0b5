import { parseArgs } from 'node:util';
import { place } from '../shared/placement/placer.js';
import { Snapshot } from '../shared/state/snapshot.js';
import type { ContainerInstance } from '../shared/state/types.js';
import { median, round } from './stats.js';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const TYPES = ['m5.large', 'm5.xlarge', 'c5.2xlarge', 'r5.large', 'g4dn.xlarge'];
const EXPRESSION =
  'attribute:ecs.instance-type =~ m5.* and attribute:ecs.availability-zone in [us-east-1a, us-east-1b] and attribute:stack != staging';

/**
 * Places K copies over a snapshot of N instances (built in memory, no network) with a memberOf
 * expression mixing comparisons, `in` and a regex, and binpack on memory. wallMs is the median
 * of several placements over the same snapshot; each placement is pure, so runs are alike.
 */
export async function placementBench(argv: string[]): Promise<object> {
  const { values } = parseArgs({
    args: argv,
    options: { instances: { type: 'string', default: '10000' }, count: { type: 'string', default: '10' }, runs: { type: 'string', default: '15' } },
  });
  const instances = Number(values.instances);
  const count = Number(values.count);
  const runs = Number(values.runs);

  const snapshot = await Snapshot.create({ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/bench', name: 'bench', status: 'ACTIVE' }, { kind: 'none' });
  snapshot.putInstances(Array.from({ length: instances }, (_, i) => benchInstance(i)));

  const timings: number[] = [];
  let placed = 0;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const result = place(snapshot, {
      requirements: { cpu: 256, memory: 512, tcpPorts: [], udpPorts: [] },
      count,
      constraints: [{ type: 'memberOf', expression: EXPRESSION }],
      strategy: [{ type: 'binpack', field: 'memory' }],
    });
    timings.push(performance.now() - started);
    placed = result.placements.length;
  }
  console.error(`placed ${placed}/${count} copies over ${instances} instances; runs (ms): ${timings.map((t) => round(t)).join(' ')}`);
  snapshot.close();
  return { bench: 'placement', instances, count, runs, placed, wallMs: round(median(timings)) };
}

function benchInstance(i: number): ContainerInstance {
  const memory = [4096, 8192, 16384][i % 3]!;
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/bench/${i.toString(16).padStart(32, '0')}`,
    ec2InstanceId: `i-${i.toString(16).padStart(17, '0')}`,
    status: 'ACTIVE',
    agentConnected: true,
    agentVersion: '1.80.0',
    registeredCpu: 4096,
    registeredMemory: memory,
    remainingCpu: 4096 - (i % 7) * 256,
    remainingMemory: memory - (i % 11) * 256,
    tcpPortsInUse: [22, 2375, 2376, 51678, 51679],
    udpPortsInUse: [],
    attributes: new Map([
      ['ecs.availability-zone', ZONES[i % ZONES.length]],
      ['ecs.instance-type', TYPES[i % TYPES.length]],
      ['ecs.os-type', 'linux'],
      ['stack', i % 4 === 0 ? 'staging' : 'prod'],
    ]),
    registeredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    runningTasksCount: i % 5,
    pendingTasksCount: 0,
    version: 1,
  };
}
