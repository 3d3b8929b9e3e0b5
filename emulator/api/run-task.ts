import type { AwsVpcConfiguration, CapacityProviderStrategyItem, Failure, RunTaskRequest } from '@aws-sdk/client-ecs';
import { clientError, invalidParameter } from '../errors.js';
import { checkStrategy, distribute, FARGATE_PROVIDERS } from '../state/capacity-providers.js';
import { checkClientToken, recallClientToken, rememberClientToken } from '../state/client-tokens.js';
import { placementFailure } from '../state/fit.js';
import type { ClusterRecord, InstanceRecord, StrategyItem, TaskRecord } from '../state/model.js';
import { compatibilities, epochSeconds, taskShape } from '../state/shapes.js';
import type { Store } from '../state/store.js';
import { launchFargateTask, launchTask, type FargateLaunch, type Launch } from '../state/tasks.js';
import { prepareLaunch } from './launch.js';
import { operation } from './operation.js';

/** What RunTask answers when Fargate has no capacity for a task (setFargateCapacity(false)). */
export const FARGATE_CAPACITY_REASON = 'Capacity is unavailable at this time. Please try again later or in a different availability zone';

/**
 * RunTask: ECS places the tasks. With launch type FARGATE (or a strategy of FARGATE and
 * FARGATE_SPOT) on Fargate's capacity, as awsvpc tasks with an ENI and no container instance;
 * with an Auto Scaling group capacity provider strategy on that provider's instances; with
 * launch type EC2 (or nothing, and no default strategy on the cluster) on any instance. Among
 * instances, each task goes to a random one it fits on (ACTIVE, agent connected, resources free);
 * placement constraints and strategies are not evaluated (the schedulers place with StartTask).
 *
 * A clientToken makes the call idempotent, as ECS documents: the same token with the same
 * parameters within 24 hours answers what the first call answered (its tasks as they are now,
 * its failures) and starts nothing; with other parameters it is a ConflictException.
 */
export const RunTask = operation<RunTaskRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const count = request.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10) throw invalidParameter('count must be between 1 and 10.');
  if (request.clientToken !== undefined) checkClientToken(request.clientToken);
  const target = launchTarget(cluster, request, count);
  const launch = prepareLaunch(store, request);

  const { clientToken, ...parameters } = request;
  const fingerprint = JSON.stringify(parameters);
  if (clientToken !== undefined) {
    const earlier = recallClientToken(cluster, clientToken, fingerprint, store.now());
    if (earlier) {
      const tasks = earlier.taskArns.flatMap((arn) => store.findTask(cluster, arn) ?? []);
      return { tasks: tasks.map((task) => taskShape(task, epochSeconds)), failures: earlier.failures };
    }
  }
  const { tasks, failures } = target.kind === 'instances' ? runOnInstances(store, cluster, launch, count, target.providers) : runOnFargate(store, cluster, launch, count, target);
  if (clientToken !== undefined) {
    rememberClientToken(cluster, clientToken, { fingerprint, taskArns: tasks.map((task) => task.arn), failures, at: store.now() });
  }
  return { tasks: tasks.map((task) => taskShape(task, epochSeconds)), failures };
});

/** Where the tasks go: the cluster's instances (of which providers, in order), or Fargate. */
type Target = { kind: 'instances'; providers: (string | undefined)[] | undefined } | { kind: 'fargate'; providers: (string | undefined)[] | undefined; network: AwsVpcConfiguration };

function launchTarget(cluster: ClusterRecord, request: RunTaskRequest, count: number): Target {
  const given = request.capacityProviderStrategy ?? [];
  if (request.launchType !== undefined && given.length > 0) {
    throw invalidParameter('Specifying both a launchType and capacityProviderStrategy is not supported.');
  }
  if (request.launchType !== undefined && request.launchType !== 'EC2' && request.launchType !== 'FARGATE') {
    throw invalidParameter(`The emulator runs launch types EC2 and FARGATE, not ${request.launchType}.`);
  }
  const strategy = given.length > 0 ? given.map(strategyItem) : request.launchType === undefined ? cluster.defaultStrategy : [];
  checkStrategy(strategy, new Set(cluster.capacityProviders.keys()));
  const providers = strategy.length > 0 ? distribute(strategy, count) : undefined;
  const fargate = request.launchType === 'FARGATE' || (strategy.length > 0 && FARGATE_PROVIDERS.has(strategy[0]!.capacityProvider));
  if (!fargate) return { kind: 'instances', providers };
  const network = request.networkConfiguration?.awsvpcConfiguration;
  if (!network?.subnets?.length) throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  if (network.subnets.length > 16) throw invalidParameter('subnets can have at most 16 items.');
  if ((network.securityGroups?.length ?? 0) > 5) throw invalidParameter('securityGroups can have at most 5 items.');
  return { kind: 'fargate', providers, network };
}

function strategyItem(item: CapacityProviderStrategyItem): StrategyItem {
  if (!item.capacityProvider) throw invalidParameter('capacityProvider must be specified in each capacityProviderStrategy item.');
  return { capacityProvider: item.capacityProvider, weight: item.weight ?? 0, base: item.base ?? 0 };
}

function runOnFargate(store: Store, cluster: ClusterRecord, launch: Launch, count: number, target: Extract<Target, { kind: 'fargate' }>): { tasks: TaskRecord[]; failures: Failure[] } {
  if (!compatibilities(launch.definition).includes('FARGATE')) {
    throw clientError('Task definition does not support launch_type FARGATE.');
  }
  const { network } = target;
  const tasks: TaskRecord[] = [];
  const failures: Failure[] = [];
  for (let i = 0; i < count; i++) {
    const provider = target.providers?.[i];
    if (store.fargateShortage.has(provider ?? 'FARGATE')) {
      failures.push({ reason: FARGATE_CAPACITY_REASON });
      continue;
    }
    const fargate: FargateLaunch = {
      ...launch,
      cluster,
      capacityProviderName: provider,
      network: {
        subnetId: store.random.placement.pick(network.subnets!),
        securityGroups: network.securityGroups ?? [],
        assignPublicIp: network.assignPublicIp === 'ENABLED',
      },
    };
    tasks.push(launchFargateTask(store, fargate));
  }
  return { tasks, failures };
}

function runOnInstances(store: Store, cluster: ClusterRecord, launch: Launch, count: number, providers: (string | undefined)[] | undefined): { tasks: TaskRecord[]; failures: Failure[] } {
  if (!providers && !cluster.instances.some((instance) => instance.status !== 'INACTIVE')) {
    throw invalidParameter('No Container Instances were found in your cluster.');
  }
  const tasks: TaskRecord[] = [];
  const failures: Failure[] = [];
  // Resources only shrink as tasks are placed, so once a task fits nowhere, none after it will there.
  const exhausted = new Set<string | undefined>();
  for (let i = 0; i < count; i++) {
    const provider = providers?.[i];
    if (exhausted.has(provider)) continue;
    const candidates = cluster.instances.filter((instance) => instance.status !== 'INACTIVE' && (provider === undefined || instance.capacityProviderName === provider));
    const fitting = candidates.filter((instance) => !placementFailure(instance, launch.needs));
    if (fitting.length > 0) {
      const instance = store.random.placement.pick(fitting);
      tasks.push(launchTask(store, { ...launch, instance, capacityProviderName: provider }));
      continue;
    }
    exhausted.add(provider);
    // Without instances of its own a provider has nothing to offer (no managed scaling here).
    if (provider !== undefined && candidates.length === 0) {
      failures.push({ arn: cluster.capacityProviders.get(provider)!.arn, reason: 'CAPACITY_PROVIDER', detail: `The capacity provider ${provider} has no container instances.` });
    } else {
      failures.push(...reasonsNothingFits(candidates, launch.needs));
    }
  }
  return { tasks, failures };
}

function reasonsNothingFits(instances: readonly InstanceRecord[], needs: Launch['needs']): Failure[] {
  return instances.map((instance) => ({ arn: instance.arn, reason: placementFailure(instance, needs) }));
}
