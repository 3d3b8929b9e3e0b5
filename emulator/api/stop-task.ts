import type { StopTaskRequest } from '@aws-sdk/client-ecs';
import { invalidParameter } from '../errors.js';
import { epochSeconds, taskShape } from '../state/shapes.js';
import { requestStop } from '../state/tasks.js';
import { checkMaxLength } from './input.js';
import { operation } from './operation.js';

/** `docker stop` sends SIGTERM; a process that exits on it reports 128 + 15. */
const SIGTERM_EXIT_CODE = 143;

export const StopTask = operation<StopTaskRequest>((store, request) => {
  const cluster = store.requireCluster(request.cluster);
  const task = request.task === undefined ? undefined : store.findTask(cluster, request.task);
  if (!task) throw invalidParameter('The referenced task was not found.');
  checkMaxLength(request.reason, 255, 'reason');
  requestStop(store, task, { reason: request.reason ?? 'Task stopped by user', stopCode: 'UserInitiated', exitCode: SIGTERM_EXIT_CODE });
  return { task: taskShape(task, epochSeconds) };
});
