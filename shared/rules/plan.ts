import type { RunTaskRequest, TaskOverride } from '@aws-sdk/client-ecs';
import type { PlacementConstraint, PlacementStrategy } from '../placement/types.js';
import type { TaskFilter } from '../state/view.js';

/** What a rule decides: tasks to start and tasks to stop, each with the reason a person would want to read. */
export interface Plan {
  starts: PlannedStart[];
  /** Copies ECS places itself (RunTask on Fargate or a capacity provider strategy), after the starts. */
  runs?: PlannedRun[];
  stops: PlannedStop[];
  /**
   * The starts replace what the stops end (a cron Replace): when true, applyPlan starts nothing
   * if any stop failed, and reports each start as failed with reason REPLACE_STOP_FAILED, so two
   * runs never overlap.
   */
  startsNeedStops?: boolean;
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

/** Where ECS is to place a RunTask's tasks: RunTask's own fields, as the rule's launch gives them. */
export type EcsPlacement = Pick<RunTaskRequest, 'launchType' | 'platformVersion' | 'capacityProviderStrategy' | 'networkConfiguration' | 'placementConstraints' | 'placementStrategy'>;

/** One RunTask call: `count` copies (at most 10) that ECS places. */
export interface PlannedRun {
  launch: Launch;
  count: number;
  placement: EcsPlacement;
  /**
   * RunTask's idempotency key. ECS answers a second call with the same token and parameters with
   * the first call's tasks, for 24 hours, so a retried call or a duplicate delivery starts nothing more.
   */
  clientToken: string;
  reason: string;
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
  /**
   * A replacement is to start once this task has stopped (a daemon rollout): its STOPPED event
   * must wake the rule, where the end of a duplicate or misplaced copy need not.
   */
  awaitsReplacement?: boolean;
}
