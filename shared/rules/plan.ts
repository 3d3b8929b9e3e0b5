import type { TaskOverride } from '@aws-sdk/client-ecs';
import type { PlacementConstraint, PlacementStrategy } from '../placement/types.js';
import type { TaskFilter } from '../state/snapshot.js';

/** What a rule decides: tasks to start and tasks to stop, each with the reason a person would want to read. */
export interface Plan {
  starts: PlannedStart[];
  stops: PlannedStop[];
}

/** The StartTask parameters that copies share; identical launches go to ECS in one call. */
export interface Launch {
  taskDefinitionArn: string;
  /** Traceability and idempotency key (at most 36 characters). */
  startedBy: string;
  group?: string;
  tags?: Readonly<Record<string, string>>;
  overrides?: TaskOverride;
}

export interface PlannedStart {
  launch: Launch;
  containerInstanceArn: string;
  reason: string;
  /**
   * How the instance was chosen. When present, a copy ECS refuses for capacity is placed again
   * on the next best instance; when absent the instance itself is the point (a daemon copy), and
   * a refusal is reported as it is.
   */
  placement?: Replacement;
}

export interface Replacement {
  constraints: readonly PlacementConstraint[];
  strategy: readonly PlacementStrategy[];
  /** The running copies spread and distinctInstance consider. */
  peers: TaskFilter;
}

export interface PlannedStop {
  taskArn: string;
  reason: string;
}
