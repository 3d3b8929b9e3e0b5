import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  type Cluster,
  type ECSClient,
  type ListTasksCommandInput,
  type Task as EcsTask,
} from '@aws-sdk/client-ecs';
import { ClusterNotFoundError, SnapshotLoadError } from './errors.js';
import { AUTO_SCALING_GROUP_ATTRIBUTE, autoScalingGroupsFromEcs, instanceFromEcs, taskFromEcs } from './from-ecs.js';
import { processReadPacer, ReadPacer } from './read-pacer.js';
import { Snapshot } from './snapshot.js';
import { sqlite } from './sqlite.js';
import { describeTaskDefinition } from './task-definitions.js';
import { TaskStatus, type ClusterInfo, type ContainerInstance, type InstanceScan, type TaskDefinitionInfo, type TaskRead, type TaskScope } from './types.js';

export interface LoadOptions {
  /**
   * Task definitions the rule will start (family, family:revision or ARN), resolved alongside
   * the cluster so the rule need not make a call of its own.
   */
  taskDefinitions?: readonly string[];
  /** Paces List/Describe calls; shared across loads in one process by default. */
  pacer?: ReadPacer;
  /** Stamped on the snapshot; rules use it, never the clock. */
  now?: Date;
  /**
   * Called after each List/Describe call of the load succeeds, with running totals (for a
   * progress display such as `ecs-sched snapshot`'s). It only observes: it changes no call, and
   * an exception it throws is ignored rather than failing the load.
   */
  onProgress?(progress: LoadProgress): void;
}

export interface LoadProgress {
  /** The call that just answered, as failures name it: `ListTasks page 3`, `DescribeTasks for page 3`. */
  call: string;
  /** Container instances described so far. */
  instances: number;
  /** Tasks described so far. */
  tasks: number;
  /**
   * The cluster's own counts from DescribeClusters, once it has answered: registered instances,
   * and RUNNING plus PENDING tasks of the whole cluster (a fair total for scope `all` only).
   */
  expected?: { instances: number; tasks: number };
}

/** ECS caps List pages and Describe batches at 100. */
const PAGE_SIZE = 100;
/** DescribeTaskDefinition draws from a bucket of its own; keep few calls in flight. */
const definitionPacer = new ReadPacer({ concurrency: 5 });

/**
 * Reads one cluster into a Snapshot: its container instances always, tasks as far as `scope`
 * asks, and the task definitions those tasks and the rule use. Listing and describing run as a
 * pipeline (each page is described while the next is listed), instances and tasks concurrently.
 * Any call that still fails after the SDK's retries fails the whole load.
 */
export async function loadSnapshot(
  ecs: ECSClient,
  cluster: string,
  scope: TaskScope,
  options: LoadOptions = {},
): Promise<Snapshot> {
  const reader = new ClusterReader(ecs, cluster, options.pacer ?? processReadPacer, options.onProgress);
  // Compile SQLite while the first answers are on their way (a cold start's largest single
  // cost); a failure surfaces when the snapshot is created.
  sqlite().catch(() => undefined);
  try {
    const [scan, tasks] = await Promise.all([scanWith(reader, options.now), readTasksWith(reader, scope, options.taskDefinitions ?? [])]);
    return await assembleSnapshot(scan, tasks, options.now);
  } finally {
    reader.abort();
  }
}

/**
 * The cluster and its container instances, without tasks: the part of a load that is the same
 * for every rule of the cluster, and the costly one (two calls per 100 instances).
 */
export async function scanInstances(ecs: ECSClient, cluster: string, options: Pick<LoadOptions, 'pacer' | 'now'> = {}): Promise<InstanceScan> {
  const reader = new ClusterReader(ecs, cluster, options.pacer ?? processReadPacer);
  try {
    return await scanWith(reader, options.now);
  } finally {
    reader.abort();
  }
}

/** The tasks `scope` asks for and the task definitions they and the rule use: the part of a load that is the rule's own. */
export async function readTasks(ecs: ECSClient, cluster: string, scope: TaskScope, options: Pick<LoadOptions, 'pacer' | 'taskDefinitions'> = {}): Promise<TaskRead> {
  const reader = new ClusterReader(ecs, cluster, options.pacer ?? processReadPacer);
  sqlite().catch(() => undefined);
  try {
    return await readTasksWith(reader, scope, options.taskDefinitions ?? []);
  } finally {
    reader.abort();
  }
}

/** A snapshot from an instance scan and a task read (of the same cluster); the scan's objects are copied, never changed. */
export async function assembleSnapshot(scan: InstanceScan, read: TaskRead, now?: Date): Promise<Snapshot> {
  const snapshot = await Snapshot.create(scan.cluster, read.scope, now);
  snapshot.putInstances(scan.instances);
  snapshot.putTaskDefinitions(read.taskDefinitions);
  for (const [reference, arn] of read.aliases) snapshot.aliasTaskDefinition(reference, arn);
  snapshot.putTasks(read.tasks);
  return snapshot;
}

async function scanWith(reader: ClusterReader, now: Date | undefined): Promise<InstanceScan> {
  const [cluster, instances] = await Promise.all([reader.cluster(), reader.instances()]);
  return { cluster, instances, scannedAt: now ?? new Date() };
}

async function readTasksWith(reader: ClusterReader, scope: TaskScope, references: readonly string[]): Promise<TaskRead> {
  const [ecsTasks, ruleDefinitions] = await Promise.all([reader.tasks(scope), Promise.all(references.map((reference) => reader.taskDefinition(reference)))]);
  const taskDefinitions = await reader.taskDefinitionsOf(ecsTasks);
  const definitionsByArn = new Map([...taskDefinitions, ...ruleDefinitions].map((d) => [d.arn, d]));
  return {
    scope,
    tasks: ecsTasks.map((task) => taskFromEcs(task, definitionsByArn.get(task.taskDefinitionArn!))),
    taskDefinitions: [...definitionsByArn.values()],
    aliases: references.map((reference, i) => [reference, ruleDefinitions[i]!.arn] as const),
  };
}

/**
 * The ECS calls of one load. On the first failure the rest are aborted, so a doomed load stops
 * spending the account's read tokens.
 */
class ClusterReader {
  private readonly controller = new AbortController();
  private readonly definitions = new Map<string, Promise<TaskDefinitionInfo>>();
  /** Running totals for onProgress. */
  private readonly progress: Omit<LoadProgress, 'call'> = { instances: 0, tasks: 0 };

  constructor(
    private readonly ecs: ECSClient,
    private readonly clusterName: string,
    private readonly pacer: ReadPacer,
    private readonly onProgress?: (progress: LoadProgress) => void,
  ) {}

  abort(): void {
    this.controller.abort();
  }

  async cluster(): Promise<ClusterInfo> {
    const answer = await this.call('DescribeClusters', () =>
      this.ecs
        .send(new DescribeClustersCommand({ clusters: [this.clusterName] }), this.sendOptions())
        .then((answer) => {
          const found = activeCluster(answer.clusters);
          // Totals for onProgress, known before the call is reported.
          if (found) {
            this.progress.expected = {
              instances: found.registeredContainerInstancesCount ?? 0,
              tasks: (found.runningTasksCount ?? 0) + (found.pendingTasksCount ?? 0),
            };
          }
          return answer;
        }),
    );
    const found = activeCluster(answer.clusters);
    if (!found?.clusterArn || !found.clusterName) throw new ClusterNotFoundError(this.clusterName);
    return { arn: found.clusterArn, name: found.clusterName, status: found.status ?? 'ACTIVE' };
  }

  async instances(): Promise<ContainerInstance[]> {
    const described = await this.listAndDescribe(
      'ListContainerInstances',
      (nextToken) =>
        this.ecs
          .send(
            new ListContainerInstancesCommand({ cluster: this.clusterName, maxResults: PAGE_SIZE, nextToken }),
            this.sendOptions(),
          )
          .then((page) => ({ arns: page.containerInstanceArns ?? [], nextToken: page.nextToken })),
      'DescribeContainerInstances',
      (arns) =>
        this.ecs
          .send(
            new DescribeContainerInstancesCommand({ cluster: this.clusterName, containerInstances: arns }),
            this.sendOptions(),
          )
          // An instance missing here was deregistered between the list and the describe: it is gone.
          .then((answer) => answer.containerInstances ?? [])
          .then((instances) => {
            this.progress.instances += instances.length;
            return instances;
          }),
    );
    return this.withAutoScalingGroups(described.map(instanceFromEcs));
  }

  /**
   * Instances launched by a capacity provider also get its Auto Scaling group's name as an
   * attribute, so constraints can name the group. ECS reports only the provider on an instance:
   * one DescribeCapacityProviders call for the providers present, none when there are none.
   */
  private async withAutoScalingGroups(instances: ContainerInstance[]): Promise<ContainerInstance[]> {
    const names = [...new Set(instances.flatMap((instance) => instance.capacityProviderName ?? []))];
    if (names.length === 0) return instances;
    const answer = await this.call('DescribeCapacityProviders', () =>
      this.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: names }), this.sendOptions()),
    );
    const groups = autoScalingGroupsFromEcs(answer.capacityProviders ?? []);
    return instances.map((instance) => {
      const group = instance.capacityProviderName && groups.get(instance.capacityProviderName);
      return group ? { ...instance, attributes: new Map([...instance.attributes, [AUTO_SCALING_GROUP_ATTRIBUTE, group]]) } : instance;
    });
  }

  async tasks(scope: TaskScope): Promise<EcsTask[]> {
    if (scope.kind === 'none') return [];
    // ECS accepts startedBy only as the sole filter; desiredStatus defaults to RUNNING.
    const filter: Partial<ListTasksCommandInput> =
      scope.kind === 'startedBy' ? { startedBy: scope.startedBy } : scope.kind === 'family' ? { family: scope.family } : {};
    const lists = [this.listTasks(filter, '')];
    const stoppedFamily = scope.kind === 'family' && scope.includeStopped ? scope.family : scope.kind === 'all' ? scope.stoppedFamily : undefined;
    if (stoppedFamily) lists.push(this.listTasks({ family: stoppedFamily, desiredStatus: TaskStatus.Stopped }, ` (${TaskStatus.Stopped})`));
    return (await Promise.all(lists)).flat();
  }

  private listTasks(filter: Partial<ListTasksCommandInput>, label: string): Promise<EcsTask[]> {
    return this.listAndDescribe(
      `ListTasks${label}`,
      (nextToken) =>
        this.ecs
          .send(new ListTasksCommand({ cluster: this.clusterName, maxResults: PAGE_SIZE, nextToken, ...filter }), this.sendOptions())
          .then((page) => ({ arns: page.taskArns ?? [], nextToken: page.nextToken })),
      'DescribeTasks',
      (arns) =>
        this.ecs
          .send(new DescribeTasksCommand({ cluster: this.clusterName, tasks: arns }), this.sendOptions())
          // A task missing here stopped and aged out between the list and the describe.
          .then((answer) => answer.tasks ?? [])
          .then((tasks) => {
            this.progress.tasks += tasks.length;
            // Ask for their task definitions now, while later pages are still being listed.
            for (const task of tasks) this.taskDefinition(task.taskDefinitionArn!).catch(() => undefined);
            return tasks;
          }),
    );
  }

  /** One request per task definition per load, however many tasks and callers ask. */
  taskDefinition(reference: string): Promise<TaskDefinitionInfo> {
    let pending = this.definitions.get(reference);
    if (!pending) {
      pending = this.call(`DescribeTaskDefinition(${reference})`, () =>
        definitionPacer.run(() => describeTaskDefinition(this.ecs, reference, this.sendOptions())),
      );
      this.definitions.set(reference, pending);
    }
    return pending;
  }

  taskDefinitionsOf(tasks: readonly EcsTask[]): Promise<TaskDefinitionInfo[]> {
    return Promise.all([...new Set(tasks.map((task) => task.taskDefinitionArn!))].map((arn) => this.taskDefinition(arn)));
  }

  /** Lists page after page, describing each page as soon as it arrives. */
  private async listAndDescribe<T>(
    listName: string,
    listPage: (nextToken: string | undefined) => Promise<{ arns: string[]; nextToken: string | undefined }>,
    describeName: string,
    describe: (arns: string[]) => Promise<T[]>,
  ): Promise<T[]> {
    const described: Array<Promise<T[]>> = [];
    let nextToken: string | undefined;
    let page = 1;
    do {
      const answer = await this.call(`${listName} page ${page}`, () => this.pacer.run(() => listPage(nextToken), this.controller.signal));
      if (answer.arns.length > 0) {
        const batch = page;
        const pending = this.call(`${describeName} for page ${batch}`, () => this.pacer.run(() => describe(answer.arns), this.controller.signal));
        pending.catch(() => undefined); // observed by Promise.all below; avoid an unhandled rejection meanwhile
        described.push(pending);
      }
      nextToken = answer.nextToken;
      page += 1;
    } while (nextToken);
    return (await Promise.all(described)).flat();
  }

  private sendOptions(): { abortSignal: AbortSignal } {
    return { abortSignal: this.controller.signal };
  }

  /** Names the call in any failure, and aborts the load's other calls. */
  private async call<T>(name: string, send: () => Promise<T>): Promise<T> {
    let answer: T;
    try {
      answer = await send();
    } catch (error) {
      this.controller.abort();
      throw this.explain(name, error);
    }
    this.report(name);
    return answer;
  }

  private report(call: string): void {
    if (!this.onProgress || this.controller.signal.aborted) return;
    try {
      this.onProgress({ call, ...this.progress, ...(this.progress.expected && { expected: { ...this.progress.expected } }) });
    } catch {
      // A progress display that fails must not fail the load it displays.
    }
  }

  private explain(name: string, error: unknown): Error {
    if (error instanceof ClusterNotFoundError || error instanceof SnapshotLoadError) return error;
    const failure = error as { name?: string; message?: string; $metadata?: { attempts?: number } };
    if (failure.name === 'ClusterNotFoundException') return new ClusterNotFoundError(this.clusterName, { cause: error });
    return new SnapshotLoadError(this.clusterName, name, {
      cause: error,
      attempts: failure.$metadata?.attempts,
      reason: `${failure.name ?? 'Error'}: ${failure.message ?? String(error)}`,
    });
  }
}

function activeCluster(clusters: readonly Cluster[] | undefined): Cluster | undefined {
  return clusters?.find((c) => c.status !== 'INACTIVE');
}
