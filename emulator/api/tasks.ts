import type { DescribeTasksRequest, Failure, ListTasksRequest } from '@aws-sdk/client-ecs';
import { invalidParameter } from '../errors.js';
import type { ClusterRecord, TaskRecord } from '../state/model.js';
import { epochSeconds, taskShape } from '../state/shapes.js';
import type { Store } from '../state/store.js';
import { checkMaxItems, failureArn, nonEmpty } from './input.js';
import { operation } from './operation.js';
import { paginate } from './pagination.js';

export const ListTasks = operation<ListTasksRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const { startedBy, family, containerInstance, serviceName, launchType } = request;
  // ECS documents startedBy as usable only alone, and answers this error when it is combined.
  if (startedBy !== undefined && [family, containerInstance, serviceName, launchType, request.desiredStatus].some((v) => v !== undefined)) {
    throw invalidParameter('cannot specify startedBy with other arguments');
  }
  const desiredStatus = request.desiredStatus ?? 'RUNNING';
  const matches = (task: TaskRecord) =>
    task.desiredStatus === desiredStatus &&
    (family === undefined || task.definition.family === family) &&
    // No task of the emulator belongs to a service.
    serviceName === undefined &&
    (launchType === undefined || task.launchType === launchType);
  const page = paginate(candidates(store, cluster, request), matches, request, `ListTasks:${cluster.arn}`);
  return { taskArns: page.items.map((task) => task.arn), nextToken: page.nextToken };
});

export const DescribeTasks = operation<DescribeTasksRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const ids = nonEmpty(request.tasks, 'Tasks cannot be empty.');
  checkMaxItems(ids, 100, 'taskIds');
  const tags = request.include?.includes('TAGS') ?? false;
  const tasks = [];
  const failures: Failure[] = [];
  for (const id of ids) {
    if (!id.startsWith('arn:') && id.length > 36) throw invalidParameter('taskId longer than 36.');
    const task = store.findTask(cluster, id);
    if (task) tasks.push(taskShape(task, epochSeconds, { tags }));
    else failures.push({ arn: failureArn(id, (short) => store.arns.task(cluster.name, short)), reason: 'MISSING' });
  }
  return { tasks, failures };
});

/** The narrowest index that holds every task the filters can match, in creation order. */
function candidates(store: Store, cluster: ClusterRecord, request: ListTasksRequest): readonly TaskRecord[] {
  if (request.containerInstance !== undefined) return store.findInstance(cluster, request.containerInstance)?.tasks ?? [];
  if (request.startedBy !== undefined) return cluster.tasksByStartedBy.get(request.startedBy) ?? [];
  if (request.family !== undefined) return cluster.tasksByFamily.get(request.family) ?? [];
  return cluster.tasks;
}
