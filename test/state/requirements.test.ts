import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { parseCpu, parseMemory, taskRequirements } from '../../shared/state/requirements.js';

describe('taskRequirements', () => {
  const cases: Array<{ name: string; definition: TaskDefinition; expected: ReturnType<typeof taskRequirements> }> = [
    {
      name: 'task-level sizes win over container sums',
      definition: {
        cpu: '1024',
        memory: '2048',
        containerDefinitions: [{ name: 'a', cpu: 128, memory: 256 }],
      },
      expected: { cpu: 1024, memory: 2048, tcpPorts: [], udpPorts: [] },
    },
    {
      name: 'task-level sizes in vCPU and GB',
      definition: { cpu: '0.5 vCPU', memory: '3 GB', containerDefinitions: [{ name: 'a' }] },
      expected: { cpu: 512, memory: 3072, tcpPorts: [], udpPorts: [] },
    },
    {
      name: 'container sum, soft reservation preferred over hard limit',
      definition: {
        containerDefinitions: [
          { name: 'a', cpu: 256, memory: 512, memoryReservation: 128 },
          { name: 'b', cpu: 128, memory: 300 },
        ],
      },
      expected: { cpu: 384, memory: 428, tcpPorts: [], udpPorts: [] },
    },
    {
      name: 'a container without cpu counts as zero (no crash)',
      definition: { containerDefinitions: [{ name: 'a', memory: 64 }] },
      expected: { cpu: 0, memory: 64, tcpPorts: [], udpPorts: [] },
    },
    {
      name: 'bridge mode: only static host ports, by protocol',
      definition: {
        networkMode: 'bridge',
        containerDefinitions: [
          {
            name: 'a',
            memory: 64,
            portMappings: [
              { containerPort: 80, hostPort: 8080 },
              { containerPort: 81, hostPort: 0 },
              { containerPort: 82 },
              { containerPort: 53, hostPort: 5353, protocol: 'udp' },
            ],
          },
        ],
      },
      expected: { cpu: 0, memory: 64, tcpPorts: [8080], udpPorts: [5353] },
    },
    {
      name: 'host mode: the container port is the host port',
      definition: {
        networkMode: 'host',
        containerDefinitions: [{ name: 'a', memory: 64, portMappings: [{ containerPort: 9100 }] }],
      },
      expected: { cpu: 0, memory: 64, tcpPorts: [9100], udpPorts: [] },
    },
    {
      name: 'awsvpc mode binds no host ports',
      definition: {
        networkMode: 'awsvpc',
        containerDefinitions: [{ name: 'a', memory: 64, portMappings: [{ containerPort: 80, hostPort: 80 }] }],
      },
      expected: { cpu: 0, memory: 64, tcpPorts: [], udpPorts: [] },
    },
  ];

  it.each(cases)('$name', ({ definition, expected }) => {
    expect(taskRequirements(definition)).toEqual(expected);
  });

  it('names an unreadable task-level size', () => {
    expect(() => parseCpu('lots')).toThrow('Unrecognized task cpu "lots"');
    expect(() => parseMemory('2 TB')).toThrow('Unrecognized task memory "2 TB"');
  });
});
