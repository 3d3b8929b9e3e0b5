import type { z } from 'zod';
import type { constraintSchema, strategySchema } from '../config/placement.js';
import type { ContainerInstance } from '../state/types.js';

// The shapes are the config schema's (type-only imports: zod stays out of the Lambda bundles).
export type PlacementConstraint = z.output<typeof constraintSchema>;
export type PlacementStrategy = z.output<typeof strategySchema>;

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
