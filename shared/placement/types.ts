import type { ContainerInstance } from '../state/types.js';

/** Constraints as ECS spells them for RunTask and services, evaluated by us because StartTask takes none. */
export type PlacementConstraint =
  | { type: 'memberOf'; expression: string }
  | { type: 'distinctInstance' };

/** Strategies as ECS spells them; a list is a chain, applied in order, each breaking the ties of the one before. */
export type PlacementStrategy =
  | { type: 'random' }
  | { type: 'binpack'; field: 'cpu' | 'memory' }
  | { type: 'spread'; field: string };

/**
 * Why an instance could not take a copy. The RESOURCE:* and AGENT codes are ECS's own StartTask
 * failure reasons; STATUS (not ACTIVE), CONSTRAINT (memberOf not met) and DISTINCT_INSTANCE
 * (already runs a copy) are ours, for the checks ECS makes before it would try.
 */
export type RejectionReason =
  | 'STATUS'
  | 'AGENT'
  | 'CONSTRAINT'
  | 'DISTINCT_INSTANCE'
  | 'RESOURCE:CPU'
  | 'RESOURCE:MEMORY'
  | 'RESOURCE:PORTS';

export interface PlacementResult {
  /** One entry per placed copy, in placement order; an instance appears once per copy it takes. */
  placements: ContainerInstance[];
  /** Copies that fit nowhere. */
  unplaced: number;
  /** For the first copy that fit nowhere: how many instances were turned down, per reason (first failed check). */
  rejections: Partial<Record<RejectionReason, number>>;
}
