import type { Task } from './types.js';

/** Task states after which a task no longer counts: it is on its way out. */
const LEAVING = ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'] as const;

/** A task that is going, or about to: asked to run and not yet on its way out. */
export function isLive(task: Pick<Task, 'desiredStatus' | 'lastStatus'>): boolean {
  return task.desiredStatus === 'RUNNING' && !(LEAVING as readonly string[]).includes(task.lastStatus);
}
