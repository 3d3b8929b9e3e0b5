import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import type { Random } from './random.js';

// What the seeder builds clusters from: instance shapes like an EC2 fleet's, and task
// definitions that exercise every way a task can size itself and hold ports.

export interface InstanceShape {
  instanceType: string;
  cpu: number;
  /** MiB ECS registers, a little under the instance's memory (the OS keeps some). */
  memory: number;
  cpuArchitecture: 'x86_64' | 'arm64';
  amiId: string;
}

const X86_AMI = 'ami-0f1e2d3c4b5a69788';
const ARM_AMI = 'ami-0a9b8c7d6e5f40312';

export const INSTANCE_SHAPES: readonly InstanceShape[] = [
  { instanceType: 'm5.large', cpu: 2048, memory: 7680, cpuArchitecture: 'x86_64', amiId: X86_AMI },
  { instanceType: 'm5.xlarge', cpu: 4096, memory: 15576, cpuArchitecture: 'x86_64', amiId: X86_AMI },
  { instanceType: 'm5.2xlarge', cpu: 8192, memory: 31354, cpuArchitecture: 'x86_64', amiId: X86_AMI },
  { instanceType: 'm6g.xlarge', cpu: 4096, memory: 15576, cpuArchitecture: 'arm64', amiId: ARM_AMI },
];

export const GPU_SHAPE: InstanceShape = { instanceType: 'g4dn.xlarge', cpu: 4096, memory: 15576, cpuArchitecture: 'x86_64', amiId: X86_AMI };

/** The default families: container-level sizes, task-level sizes, dynamic, static TCP and UDP host ports. */
export const DEFAULT_FAMILIES: readonly RegisterTaskDefinitionRequest[] = [
  {
    family: 'web',
    containerDefinitions: [{ name: 'web', image: 'nginx:1.27', cpu: 256, memoryReservation: 512, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
  },
  {
    family: 'api',
    containerDefinitions: [{ name: 'api', image: 'example/api:3', cpu: 512, memory: 1024, portMappings: [{ containerPort: 8443, hostPort: 8443 }] }],
  },
  {
    family: 'worker',
    cpu: '1 vCPU',
    memory: '2 GB',
    containerDefinitions: [{ name: 'worker', image: 'example/worker:7' }],
  },
  {
    family: 'batch',
    containerDefinitions: [
      { name: 'main', image: 'example/batch:1', cpu: 768, memory: 3072 },
      { name: 'sidecar', image: 'example/log-router:2', cpu: 256, memoryReservation: 256 },
    ],
  },
  {
    family: 'statsd',
    networkMode: 'host',
    containerDefinitions: [{ name: 'statsd', image: 'example/statsd:1', cpu: 128, memoryReservation: 128, portMappings: [{ containerPort: 8125, protocol: 'udp' }] }],
  },
];

/** A definition for a family the catalog does not know: one container of a random everyday size. */
export function genericFamily(family: string, random: Random): RegisterTaskDefinitionRequest {
  return {
    family,
    containerDefinitions: [{ name: family, image: `example/${family}:1`, cpu: random.pick([128, 256, 512]), memoryReservation: random.pick([256, 512, 1024]) }],
  };
}

export function daemonFamily(family: string): RegisterTaskDefinitionRequest {
  return { family, containerDefinitions: [{ name: family, image: `example/${family}:1`, cpu: 128, memoryReservation: 128 }] };
}
