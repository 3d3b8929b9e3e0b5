// An ECS emulator speaking ECS's JSON protocol on 127.0.0.1, for tests, benchmarks and local mode.
export { startEmulator, type Emulator, type EmulatorOptions } from './emulator.js';
export type { CapacityProviderSpec, EmulatorAdmin, InstanceSpec, Occupation, TaskFilter } from './admin.js';
export type { InstanceView, TaskView } from './admin-views.js';
export type { CallCounter } from './http/calls.js';
export type { FailureRule } from './http/faults.js';
export type { CompetitorHook } from './state/store.js';
export type { EventListener } from './state/event-bus.js';
export type { EcsEvent, InstanceEventDetail, InstanceStateChangeEvent, TaskEventDetail, TaskStateChangeEvent } from './state/event-types.js';
export type { PlacementFailure } from './state/fit.js';
export { seedCluster, type SeedOptions, type SeedResult } from './seed.js';
