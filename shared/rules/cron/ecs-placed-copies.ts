import type { TaskDefinitionInfo } from '../../state/types.js';
import type { EcsPlacement, PlannedRun } from '../plan.js';
import { slotLaunch } from './slot-launch.js';
import type { CronRule } from './rule.js';

/** RunTask starts at most 10 tasks per call. */
const RUN_TASK_BATCH = 10;

/** ECS's own providers: their tasks run on Fargate, and cannot share a strategy with Auto Scaling group providers. */
export const FARGATE_CAPACITY_PROVIDERS: readonly string[] = ['FARGATE', 'FARGATE_SPOT'];

type EcsPlacedLaunch = Exclude<NonNullable<CronRule['launch']>, { type: 'ec2' }>;

export interface EcsPlacedCopies {
  runs: PlannedRun[];
  /** Why ECS could never place these copies (a task definition Fargate cannot run): the slot fails now. */
  problem?: string;
}

/**
 * The missing copies of a slot that ECS places (Fargate, a capacity provider strategy), as
 * RunTask calls of at most 10. Each call's client token names the attempt's key, the copies the
 * slot already had, the call's place in the batch and the round:
 * - two deliveries of one slot that see the same copies send the same tokens, so ECS starts the
 *   batch once and answers both with its tasks; so does a call retried after a lost answer;
 * - once ECS has answered (tasks or failures such as no capacity), the handler moves to the next
 *   round, so the capacity retry is a new request rather than the first answer again.
 */
export function ecsPlacedCopies(rule: CronRule, launchType: EcsPlacedLaunch, target: TaskDefinitionInfo, slot: Date, key: string, existing: number, missing: number, round: number): EcsPlacedCopies {
  const problem = fargateProblem(launchType, target);
  if (problem) return { runs: [], problem };
  const launch = slotLaunch(rule, target, slot, key);
  const placement = ecsPlacement(launchType);
  const runs: PlannedRun[] = [];
  for (let batch = 0; batch * RUN_TASK_BATCH < missing; batch++) {
    runs.push({
      launch,
      count: Math.min(RUN_TASK_BATCH, missing - batch * RUN_TASK_BATCH),
      placement,
      clientToken: `${key}:${existing}:${batch}:${round}`,
      reason: `cron ${rule.name}: run for slot ${slot.toISOString()} on ${launchType.type === 'fargate' ? 'Fargate' : `capacity providers ${launchType.strategy.map((item) => item.capacityProvider).join(', ')}`}`,
    });
  }
  return { runs };
}

/** Whether ECS places the rule's copies (Fargate, capacity providers, through RunTask) rather than our placement engine. */
export function placedByEcs(rule: Pick<CronRule, 'launch'>): boolean {
  return (rule.launch?.type ?? 'ec2') !== 'ec2';
}

/** Whether the launch runs on Fargate: launch type fargate, or a strategy of FARGATE/FARGATE_SPOT. */
export function runsOnFargate(launchType: EcsPlacedLaunch): boolean {
  return launchType.type === 'fargate' || launchType.strategy.some((item) => FARGATE_CAPACITY_PROVIDERS.includes(item.capacityProvider));
}

/** Fargate runs only awsvpc task definitions that ECS found Fargate-compatible; said here, not as ECS's ClientException. */
function fargateProblem(launchType: EcsPlacedLaunch, target: TaskDefinitionInfo): string | undefined {
  if (!runsOnFargate(launchType)) return undefined;
  const why =
    target.networkMode !== 'awsvpc'
      ? `its network mode is ${target.networkMode}, and Fargate needs awsvpc`
      : target.compatibilities && !target.compatibilities.includes('FARGATE')
        ? `ECS lists it compatible with ${target.compatibilities.join(', ') || 'nothing'} only (Fargate needs requiresCompatibilities FARGATE and task-level cpu and memory)`
        : undefined;
  return why && `task definition ${target.arn} cannot run on Fargate: ${why}; fix the task definition or the rule's launch`;
}

function ecsPlacement(launchType: EcsPlacedLaunch): EcsPlacement {
  const network = launchType.subnets && {
    awsvpcConfiguration: {
      subnets: [...launchType.subnets],
      securityGroups: [...(launchType.securityGroups ?? [])],
      assignPublicIp: launchType.assignPublicIp ? ('ENABLED' as const) : ('DISABLED' as const),
    },
  };
  if (launchType.type === 'fargate') {
    return { launchType: 'FARGATE', ...(launchType.platformVersion && { platformVersion: launchType.platformVersion }), networkConfiguration: network };
  }
  return {
    capacityProviderStrategy: launchType.strategy.map((item) => ({ capacityProvider: item.capacityProvider, weight: item.weight ?? 1, base: item.base ?? 0 })),
    ...(network && { networkConfiguration: network }),
    ...(launchType.placement?.constraints && {
      placementConstraints: launchType.placement.constraints.map((c) => (c.type === 'memberOf' ? { type: 'memberOf' as const, expression: c.expression } : { type: 'distinctInstance' as const })),
    }),
    ...(launchType.placement?.strategy && {
      placementStrategy: launchType.placement.strategy.map((s) => (s.type === 'random' ? { type: 'random' as const } : { type: s.type, field: s.field })),
    }),
  };
}
