import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import type { Emulator } from './emulator.js';
import { storeOf } from './internal.js';
import { Random } from './random.js';
import { DEFAULT_FAMILIES, GPU_SHAPE, INSTANCE_SHAPES, daemonFamily, genericFamily } from './seed-catalog.js';
import { createCluster } from './state/clusters.js';
import { resourceShortfall } from './state/fit.js';
import { registerInstance } from './state/instances.js';
import type { InstanceRecord, TaskDefinitionRecord, TaskNeeds } from './state/model.js';
import { taskNeeds } from './state/needs.js';
import type { Store } from './state/store.js';
import { findTaskDefinition, registerTaskDefinition } from './state/task-definitions.js';
import { launchTask } from './state/tasks.js';

export interface SeedOptions {
  /** Created if missing. */
  cluster: string;
  instances: number;
  /** Workload tasks spread over the new instances. Default 0. */
  tasks?: number;
  /**
   * Families the workload tasks run, chosen at random per task. A family already registered in
   * the emulator runs its latest ACTIVE revision; one of the catalog's (web, api, worker, batch,
   * statsd) gets the catalog's definition; any other gets a small generic one. Default: the catalog.
   */
  families?: string[];
  /** One RUNNING task of this family on every new instance, placed before the workload. */
  daemon?: { family: string; startedBy: string };
  /** Same seed, same cluster name, fresh emulator: same ARNs, sizes, attributes and placement. Default 1. */
  seed?: number;
  /** Publish the events of every registration and task start. Default false: bulk loads stay quiet. */
  emitEvents?: boolean;
}

export interface SeedResult {
  clusterArn: string;
  instanceArns: string[];
  /** The workload tasks, in creation order. */
  taskArns: string[];
  daemonTaskArns: string[];
  /** Family to the task definition revision its seeded tasks run. */
  taskDefinitionArns: Record<string, string>;
}

/** Share of instances that are GPU instances, and of the rest that serve prod rather than staging. */
const GPU_SHARE = 0.05;
const PROD_SHARE = 0.7;
/** Random tries before a task falls back to scanning every instance for room. */
const RANDOM_TRIES = 8;

/**
 * Fills a cluster straight in the emulator's state, without HTTP: thousands of instances of mixed
 * sizes over three availability zones, tasks packed onto them without ever over-committing an
 * instance, and optionally a daemon on each. Tasks start out RUNNING.
 */
export function seedCluster(emulator: Emulator, options: SeedOptions): SeedResult {
  const store = storeOf(emulator);
  const seed = () => seedInto(store, options);
  return options.emitEvents ? seed() : store.events.muted(seed);
}

function seedInto(store: Store, options: SeedOptions): SeedResult {
  // Forked by cluster name, so seeding two clusters with one seed does not repeat ids.
  const random = new Random(options.seed ?? 1).fork(options.cluster);
  const cluster = createCluster(store, options.cluster);
  const taskDefinitionArns: Record<string, string> = {};
  const definitionFor = (family: string, fallback: () => RegisterTaskDefinitionRequest) => {
    const definition = findTaskDefinition(store, family) ?? registerTaskDefinition(store, fallback());
    taskDefinitionArns[family] = definition.arn;
    return definition;
  };
  const workload = (options.families ?? DEFAULT_FAMILIES.map((definition) => definition.family as string)).map((family) =>
    definitionFor(family, () => DEFAULT_FAMILIES.find((definition) => definition.family === family) ?? genericFamily(family, random)),
  );
  const { daemon } = options;
  const daemonDefinition = daemon && definitionFor(daemon.family, () => daemonFamily(daemon.family));

  const instances: InstanceRecord[] = [];
  for (let index = 0; index < options.instances; index++) {
    const shape = random.next() < GPU_SHARE ? GPU_SHAPE : random.pick(INSTANCE_SHAPES);
    instances.push(
      registerInstance(store, {
        cluster,
        ...shape,
        availabilityZone: `${store.region}${'abc'[index % 3]}`,
        attributes: [
          { name: 'stack', value: random.next() < PROD_SHARE ? 'prod' : 'staging' },
          ...(shape === GPU_SHAPE ? [{ name: 'gpu', value: 'true' }] : []),
        ],
        ec2InstanceId: `i-${random.hex(17)}`,
        id: freshId(store, random),
      }),
    );
  }

  const daemonTaskArns = daemon && daemonDefinition
    ? instances.map((instance) => start(store, random, instance, daemonDefinition, taskNeeds(daemonDefinition), daemon.startedBy))
    : [];
  const taskArns: string[] = [];
  const needsOf = new Map<TaskDefinitionRecord, TaskNeeds>(workload.map((definition) => [definition, taskNeeds(definition)]));
  for (let index = 0; index < (options.tasks ?? 0); index++) {
    const definition = random.pick(workload);
    const needs = needsOf.get(definition) as TaskNeeds;
    const instance = roomFor(needs, instances, random);
    if (!instance) {
      throw new Error(
        `seedCluster: task ${index + 1} of ${options.tasks} (${definition.family}) fits on none of ${instances.length} instances; seed more instances or fewer tasks`,
      );
    }
    taskArns.push(start(store, random, instance, definition, needs));
  }
  return { clusterArn: cluster.arn, instanceArns: instances.map((instance) => instance.arn), taskArns, daemonTaskArns, taskDefinitionArns };
}

function start(store: Store, random: Random, instance: InstanceRecord, definition: TaskDefinitionRecord, needs: TaskNeeds, startedBy?: string): string {
  const shortfall = resourceShortfall(instance, needs);
  if (shortfall) throw new Error(`seedCluster: ${definition.family} does not fit on ${instance.arn} (${shortfall})`);
  return launchTask(store, { instance, definition, needs, startedBy, running: true, id: freshId(store, random) }).arn;
}

/** A random instance with room, or failing a few tries, the first with room from a random start. */
function roomFor(needs: TaskNeeds, instances: InstanceRecord[], random: Random): InstanceRecord | undefined {
  if (instances.length === 0) return undefined;
  for (let attempt = 0; attempt < RANDOM_TRIES; attempt++) {
    const instance = random.pick(instances);
    if (!resourceShortfall(instance, needs)) return instance;
  }
  const offset = random.below(instances.length);
  for (let step = 0; step < instances.length; step++) {
    const instance = instances[(offset + step) % instances.length] as InstanceRecord;
    if (!resourceShortfall(instance, needs)) return instance;
  }
  return undefined;
}

function freshId(store: Store, random: Random): string {
  const id = random.hex(32);
  if (store.findInstanceAnywhere(id) || store.findTaskAnywhere(id)) {
    throw new Error('seedCluster: this cluster was already seeded with this seed; use another seed');
  }
  return id;
}
