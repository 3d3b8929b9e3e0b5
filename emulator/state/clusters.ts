import { invalidParameter } from '../errors.js';
import type { ClusterRecord } from './model.js';
import type { Store } from './store.js';

/** Creates the cluster, or returns it when it exists: ECS's CreateCluster is idempotent. */
export function createCluster(store: Store, name: string): ClusterRecord {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw invalidParameter('Cluster name must be 1-255 letters, numbers, hyphens and underscores.');
  }
  const existing = store.findCluster(name);
  if (existing) return existing;
  const cluster: ClusterRecord = {
    name,
    arn: store.arns.cluster(name),
    seq: store.nextSeq(),
    createdAt: store.now(),
    instances: [],
    tasks: [],
    tasksByFamily: new Map(),
    tasksByStartedBy: new Map(),
    capacityProviders: new Map(),
    defaultStrategy: [],
    clientTokens: new Map(),
  };
  store.addCluster(cluster);
  return cluster;
}
