import type { Emulator } from '../emulator/index.js';

/** Instance shapes of a small, mixed fleet. */
const SHAPES = [
  { instanceType: 'm5.large', cpu: 2048, memory: 7680 },
  { instanceType: 'm5.xlarge', cpu: 4096, memory: 15576 },
  { instanceType: 'c5.2xlarge', cpu: 8192, memory: 15360 },
  { instanceType: 'r5.large', cpu: 2048, memory: 15576 },
];
const ZONES = ['a', 'b', 'c'];

/** The task definitions the example config (scheduler.config.ts) names. */
export function registerExampleTaskDefinitions(emulator: Emulator): void {
  emulator.admin.registerTaskDefinition({
    family: 'node-exporter',
    networkMode: 'host',
    containerDefinitions: [{ name: 'node-exporter', image: 'prom/node-exporter', cpu: 128, memory: 128, portMappings: [{ containerPort: 9100 }] }],
  });
  emulator.admin.registerTaskDefinition({
    family: 'nightly-report',
    containerDefinitions: [{ name: 'report', image: 'example/report', cpu: 1024, memory: 2048 }],
  });
  emulator.admin.registerTaskDefinition({
    family: 'cache-warmer',
    containerDefinitions: [{ name: 'warmer', image: 'example/cache-warmer', cpu: 256, memory: 512 }],
  });
}

/**
 * One instance of the example fleet: shapes and zones in turn, a quarter of them in the staging
 * stack (which the example daemon's constraint leaves out).
 */
export function addExampleInstance(emulator: Emulator, cluster: string, index: number, registeredAt: Date): string {
  const shape = SHAPES[index % SHAPES.length]!;
  return emulator.admin.registerInstance({
    cluster,
    cpu: shape.cpu,
    memory: shape.memory,
    instanceType: shape.instanceType,
    availabilityZone: `${emulator.region}${ZONES[index % ZONES.length]}`,
    attributes: { stack: index % 4 === 3 ? 'staging' : 'prod' },
    registeredAt,
  });
}
