import { invalidParameter } from '../errors.js';
import type { CapacityProviderRecord, ClusterRecord, StrategyItem } from './model.js';
import type { Store } from './store.js';

/** ECS's own providers: tasks run on Fargate's capacity, not on the cluster's instances. */
export const FARGATE_PROVIDERS: ReadonlySet<string> = new Set(['FARGATE', 'FARGATE_SPOT']);

/** A strategy names at most this many providers. */
const MAX_STRATEGY_ITEMS = 6;

export interface ProviderSpec {
  name: string;
  /** The Auto Scaling group behind the provider; absent for FARGATE and FARGATE_SPOT. */
  autoScalingGroupArn?: string;
}

/**
 * What PutClusterCapacityProviders does: the cluster's providers and default strategy become the
 * given ones. An Auto Scaling group provider needs its group; FARGATE and FARGATE_SPOT need none.
 */
export function putClusterCapacityProviders(store: Store, cluster: ClusterRecord, providers: readonly ProviderSpec[], defaultStrategy: readonly StrategyItem[]): void {
  const records: CapacityProviderRecord[] = providers.map((spec) => {
    if (FARGATE_PROVIDERS.has(spec.name)) return { name: spec.name, arn: store.arns.capacityProvider(spec.name) };
    if (!spec.autoScalingGroupArn) throw invalidParameter(`The capacity provider ${spec.name} needs an Auto Scaling group.`);
    return { name: spec.name, arn: store.arns.capacityProvider(spec.name), autoScalingGroupArn: spec.autoScalingGroupArn };
  });
  const names = new Set(records.map((record) => record.name));
  checkStrategy(defaultStrategy, names);
  cluster.capacityProviders.clear();
  for (const record of records) cluster.capacityProviders.set(record.name, record);
  cluster.defaultStrategy = defaultStrategy.map((item) => ({ ...item }));
}

/**
 * ECS's rules for a strategy: 1 to 6 providers of the cluster, weights 0-1000, bases 0-100000 and
 * a base on one provider at most, Fargate and Auto Scaling group providers not mixed, and some
 * weight above 0.
 */
export function checkStrategy(strategy: readonly StrategyItem[], associated: ReadonlySet<string>): void {
  if (strategy.length === 0) return;
  if (strategy.length > MAX_STRATEGY_ITEMS) throw invalidParameter(`capacityProviderStrategy can have at most ${MAX_STRATEGY_ITEMS} items.`);
  for (const item of strategy) {
    if (!associated.has(item.capacityProvider)) {
      throw invalidParameter(`The specified capacity provider ${item.capacityProvider} is not associated with the cluster.`);
    }
    if (!(Number.isInteger(item.weight) && item.weight >= 0 && item.weight <= 1000)) throw invalidParameter('weight must be between 0 and 1000.');
    if (!(Number.isInteger(item.base) && item.base >= 0 && item.base <= 100000)) throw invalidParameter('base must be between 0 and 100000.');
  }
  if (new Set(strategy.map((item) => item.capacityProvider)).size !== strategy.length) throw invalidParameter('A capacity provider may appear only once in a strategy.');
  if (strategy.filter((item) => item.base > 0).length > 1) throw invalidParameter('Only one capacity provider in a strategy can have a base.');
  const fargate = strategy.filter((item) => FARGATE_PROVIDERS.has(item.capacityProvider)).length;
  if (fargate > 0 && fargate < strategy.length) throw invalidParameter('A capacity provider strategy cannot mix Fargate and Auto Scaling group capacity providers.');
  if (strategy.every((item) => item.weight === 0)) throw invalidParameter('At least one capacity provider in a strategy must have a weight greater than 0.');
}

/**
 * Which provider each of `count` tasks goes to: the provider with a base takes the first `base`
 * tasks, and the rest are shared in proportion to the weights (the provider furthest below its
 * share takes the next task; ties go to the earlier one in the strategy).
 */
export function distribute(strategy: readonly StrategyItem[], count: number): string[] {
  const out: string[] = [];
  const based = strategy.find((item) => item.base > 0);
  for (let i = 0; i < Math.min(count, based?.base ?? 0); i++) out.push(based!.capacityProvider);
  const weighted = strategy.filter((item) => item.weight > 0);
  const given = new Map(weighted.map((item) => [item.capacityProvider, 0]));
  while (out.length < count) {
    let next = weighted[0]!;
    for (const item of weighted) {
      if (given.get(item.capacityProvider)! / item.weight < given.get(next.capacityProvider)! / next.weight) next = item;
    }
    given.set(next.capacityProvider, given.get(next.capacityProvider)! + 1);
    out.push(next.capacityProvider);
  }
  return out;
}
