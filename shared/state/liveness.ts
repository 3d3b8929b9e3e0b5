import { TaskStatus, type Task } from './types.js';

/** Task states after which a task no longer counts: it is on its way out. */
const LEAVING: readonly TaskStatus[] = [TaskStatus.Deactivating, TaskStatus.Stopping, TaskStatus.Deprovisioning, TaskStatus.Stopped];

/** A task that is going, or about to: asked to run and not yet on its way out. */
export function isLive(task: Pick<Task, 'desiredStatus' | 'lastStatus'>): boolean {
  return task.desiredStatus === TaskStatus.Running && !LEAVING.includes(task.lastStatus);
}
