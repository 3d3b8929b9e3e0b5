import { instanceStateChange, taskStateChange } from './events.js';
import type { InstanceRecord, TaskRecord } from './model.js';
import type { Store } from './store.js';

// Every change to an instance or task ends here: its version goes up by one, as ECS's does, and
// subscribers get the event that carries that version.

export function instanceChanged(store: Store, instance: InstanceRecord): void {
  instance.version++;
  instance.updatedAt = store.now();
  store.events.publish(() => instanceStateChange(store, instance));
}

export function taskChanged(store: Store, task: TaskRecord): void {
  task.version++;
  task.updatedAt = store.now();
  store.events.publish(() => taskStateChange(store, task));
}
