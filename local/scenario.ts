import type { Emulator } from '../emulator/index.js';
import { TaskStatus } from '../shared/state/types.js';
import { addConfigInstance, type SeedAttributes } from './config-cluster.js';

/** Something that happens to the cluster at a minute of the simulation. */
export interface Happening {
  minute: number;
  says: string;
  act(emulator: Emulator, cluster: string): void;
}

/**
 * What the cluster goes through, minute by minute, the things a daemon must react to: instances
 * join, drain and leave, a copy of the first daemon dies, an agent drops and comes back, an
 * instance takes the attributes a constraint keeps out (the example's staging stack). Cron slots
 * fire on their own schedule.
 */
export function scenario(instances: readonly string[], startAt: Date, attributes: SeedAttributes, daemonStartedBy: string | undefined): Happening[] {
  const pick = (i: number) => instances[i % instances.length]!;
  const at = (minute: number) => new Date(startAt.getTime() + minute * 60_000);
  return [
    {
      minute: 22,
      says: 'three instances join',
      act: (emulator, cluster) => {
        for (let i = 0; i < 3; i += 1) addConfigInstance(emulator, cluster, instances.length + i, at(22), attributes);
      },
    },
    { minute: 71, says: `${short(pick(1))} starts draining`, act: (emulator) => emulator.admin.drainInstance(pick(1)) },
    ...(daemonStartedBy === undefined
      ? []
      : [
          {
            minute: 101,
            says: `the ${daemonStartedBy} copy on ${short(pick(2))} dies`,
            act: (emulator: Emulator, cluster: string) => {
              const copy = emulator.admin.listTasks(cluster, { startedBy: daemonStartedBy, containerInstance: pick(2), desiredStatus: TaskStatus.Running })[0];
              if (copy) emulator.admin.stopTask(copy.arn, 'Essential container in task exited');
            },
          },
        ]),
    { minute: 152, says: `${short(pick(1))} is deregistered`, act: (emulator) => emulator.admin.deregisterInstance(pick(1)) },
    { minute: 181, says: `the agent on ${short(pick(4))} disconnects`, act: (emulator) => emulator.admin.setAgentConnected(pick(4), false) },
    { minute: 211, says: `the agent on ${short(pick(4))} reconnects`, act: (emulator) => emulator.admin.setAgentConnected(pick(4), true) },
    // Instance 3's attributes are those a constraint keeps out (see SeedAttributes).
    { minute: 241, says: `${short(pick(5))} changes its attributes to ${JSON.stringify(attributes.for(3))}`, act: (emulator) => emulator.admin.putAttributes(pick(5), attributes.for(3)) },
  ];
}

function short(arn: string): string {
  return `instance ${arn.split('/').pop()!.slice(0, 8)}`;
}
