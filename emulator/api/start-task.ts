import type { Failure, StartTaskRequest } from '@aws-sdk/client-ecs';
import { placementFailure } from '../state/fit.js';
import { epochSeconds, taskShape } from '../state/shapes.js';
import { launchTask } from '../state/tasks.js';
import { checkMaxItems, failureArn, nonEmpty } from './input.js';
import { prepareLaunch } from './launch.js';
import { operation } from './operation.js';

/**
 * One task on each listed instance. ECS checks each instance at this moment, so an instance that
 * filled up since the caller looked comes back in `failures[]` (HTTP 200) with the reason.
 */
export const StartTask = operation<StartTaskRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const ids = nonEmpty(request.containerInstances, 'containerInstances cannot be empty.');
  checkMaxItems(ids, 10, 'containerInstances');
  const launch = prepareLaunch(store, request);
  const tasks = [];
  const failures: Failure[] = [];
  for (const id of ids) {
    const instance = store.findInstance(cluster, id);
    if (!instance) {
      failures.push({ arn: failureArn(id, (short) => store.arns.containerInstance(cluster.name, short)), reason: 'MISSING' });
      continue;
    }
    store.competitor?.({ cluster: cluster.name, containerInstanceArn: instance.arn });
    const reason = placementFailure(instance, launch.needs);
    if (reason) failures.push({ arn: instance.arn, reason });
    else tasks.push(taskShape(launchTask(store, { ...launch, instance }), epochSeconds));
  }
  return { tasks, failures };
});
