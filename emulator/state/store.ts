import { Arns, clusterName, shortId } from '../arns.js';
import { clusterNotFound } from '../errors.js';
import type { Random } from '../random.js';
import { DeferredWork } from './deferred-work.js';
import { EventBus } from './event-bus.js';
import type { ClusterRecord, InstanceRecord, TaskDefinitionRecord, TaskRecord } from './model.js';

/** Called inside StartTask for each target instance, just before its fit check; `cluster` is the cluster's name. */
export type CompetitorHook = (context: { cluster: string; containerInstanceArn: string }) => void;

export interface StoreOptions {
  region: string;
  accountId: string;
  random: Random;
  now: () => number;
}

/**
 * Everything the emulated ECS account holds, with the indexes that keep List and Describe cheap
 * on clusters of thousands of instances. Changes go through the functions in this folder, which
 * keep the indexes, versions and events right; the store itself only stores and finds.
 */
export class Store {
  readonly region: string;
  readonly accountId: string;
  readonly arns: Arns;
  readonly now: () => number;
  /** Separate random streams, so that one purpose drawing more numbers does not shift another. */
  readonly random: { ids: Random; placement: Random; events: Random };
  /** Task transitions (PENDING -> RUNNING, -> STOPPED) ECS makes after answering. */
  readonly transitions = new DeferredWork();
  /** Event deliveries, apart from transitions so that holding transitions still delivers events. */
  readonly deliveries = new DeferredWork();
  readonly events = new EventBus(this.deliveries);
  competitor: CompetitorHook | undefined;
  /** FARGATE and FARGATE_SPOT while they have no capacity: RunTask fails their tasks (a fault knob). */
  readonly fargateShortage = new Set<string>();

  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly instancesById = new Map<string, InstanceRecord>();
  private readonly tasksById = new Map<string, TaskRecord>();
  private readonly revisionsByFamily = new Map<string, TaskDefinitionRecord[]>();
  private lastSeq = 0;

  constructor(options: StoreOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.arns = new Arns(options.region, options.accountId);
    this.now = options.now;
    this.random = {
      ids: options.random.fork('ids'),
      placement: options.random.fork('placement'),
      events: options.random.fork('events'),
    };
  }

  /** Resolves once transitions (unless held) and event deliveries are done, and all they set off. */
  async settle(): Promise<void> {
    while (!this.transitions.idle || !this.deliveries.idle) {
      await this.transitions.settle();
      await this.deliveries.settle();
    }
  }

  nextSeq(): number {
    return ++this.lastSeq;
  }

  /** A fresh 32-hex-digit id, as ECS uses for tasks and container instances. */
  newId(): string {
    let id: string;
    do id = this.random.ids.hex(32);
    while (this.instancesById.has(id) || this.tasksById.has(id));
    return id;
  }

  allClusters(): ClusterRecord[] {
    return [...this.clusters.values()];
  }

  /** Name or ARN; ECS assumes the cluster named "default" when none is given. */
  findCluster(nameOrArn: string | undefined): ClusterRecord | undefined {
    return this.clusters.get(clusterName(nameOrArn ?? 'default'));
  }

  requireCluster(nameOrArn: string | undefined): ClusterRecord {
    const cluster = this.findCluster(nameOrArn);
    if (!cluster) throw clusterNotFound();
    return cluster;
  }

  /** An instance of this cluster by id or ARN; instances of other clusters are not found. */
  findInstance(cluster: ClusterRecord, idOrArn: string): InstanceRecord | undefined {
    const instance = this.instancesById.get(shortId(idOrArn));
    return instance?.cluster === cluster ? instance : undefined;
  }

  findInstanceAnywhere(idOrArn: string): InstanceRecord | undefined {
    return this.instancesById.get(shortId(idOrArn));
  }

  findTask(cluster: ClusterRecord, idOrArn: string): TaskRecord | undefined {
    const task = this.tasksById.get(shortId(idOrArn));
    return task?.cluster === cluster ? task : undefined;
  }

  findTaskAnywhere(idOrArn: string): TaskRecord | undefined {
    return this.tasksById.get(shortId(idOrArn));
  }

  /** Revisions of a family, index = revision - 1. */
  revisions(family: string): TaskDefinitionRecord[] {
    return this.revisionsByFamily.get(family) ?? [];
  }

  addCluster(cluster: ClusterRecord): void {
    this.clusters.set(cluster.name, cluster);
  }

  addInstance(instance: InstanceRecord): void {
    this.instancesById.set(instance.id, instance);
    instance.cluster.instances.push(instance);
  }

  addTask(task: TaskRecord): void {
    this.tasksById.set(task.id, task);
    const { cluster } = task;
    cluster.tasks.push(task);
    pushInto(cluster.tasksByFamily, task.definition.family, task);
    if (task.startedBy !== undefined) pushInto(cluster.tasksByStartedBy, task.startedBy, task);
    task.instance?.tasks.push(task);
  }

  addTaskDefinition(definition: TaskDefinitionRecord): void {
    const revisions = this.revisionsByFamily.get(definition.family);
    if (revisions) revisions.push(definition);
    else this.revisionsByFamily.set(definition.family, [definition]);
  }
}

function pushInto<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}
