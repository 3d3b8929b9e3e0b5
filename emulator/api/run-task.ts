import type { Failure, RunTaskRequest } from '@aws-sdk/client-ecs';
import { invalidParameter } from '../errors.js';
import { placementFailure } from '../state/fit.js';
import type { ClusterRecord, TaskNeeds } from '../state/model.js';
import { epochSeconds, taskShape } from '../state/shapes.js';
import { launchTask } from '../state/tasks.js';
import { prepareLaunch } from './launch.js';
import { operation } from './operation.js';

/**
 * RunTask with ECS's default placement: each task goes to a random instance it fits on (ACTIVE,
 * agent connected, resources free).
 * Placement constraints and strategies are not evaluated (the schedulers place with StartTask).
 */
export const RunTask = operation<RunTaskRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const count = request.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10) throw invalidParameter('count must be between 1 and 10.');
  if (request.launchType !== undefined && request.launchType !== 'EC2') {
    throw invalidParameter('The ECS emulator runs EC2 tasks only.');
  }
  if (!cluster.instances.some((instance) => instance.status !== 'INACTIVE')) {
    throw invalidParameter('No Container Instances were found in your cluster.');
  }
  const launch = prepareLaunch(store, request);
  const tasks = [];
  for (let placed = 0; placed < count; placed++) {
    const fitting = cluster.instances.filter((instance) => !placementFailure(instance, launch.needs));
    // Resources only shrink as tasks are placed, so once one task does not fit, none after it will.
    if (fitting.length === 0) return { tasks, failures: reasonsNothingFits(cluster, launch.needs) };
    const instance = store.random.placement.pick(fitting);
    tasks.push(taskShape(launchTask(store, { ...launch, instance }), epochSeconds));
  }
  return { tasks, failures: [] };
});

function reasonsNothingFits(cluster: ClusterRecord, needs: TaskNeeds): Failure[] {
  return cluster.instances
    .filter((instance) => instance.status !== 'INACTIVE')
    .map((instance) => ({ arn: instance.arn, reason: placementFailure(instance, needs) }));
}
