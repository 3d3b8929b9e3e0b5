export { loadSnapshot, type LoadOptions } from './load.js';
export { Snapshot, type Row } from './snapshot.js';
export type { ClusterView, TaskFilter } from './view.js';
export { ReadPacer, type ReadPacerOptions } from './read-pacer.js';
export { ClusterNotFoundError, SnapshotLoadError } from './errors.js';
export { taskRequirements } from './requirements.js';
export { describeTaskDefinition } from './task-definitions.js';
export type * from './types.js';
