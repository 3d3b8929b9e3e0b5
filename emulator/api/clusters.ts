import type { CreateClusterRequest, DescribeClustersRequest, ListClustersRequest } from '@aws-sdk/client-ecs';
import { clusterName } from '../arns.js';
import { createCluster } from '../state/clusters.js';
import { clusterShape } from '../state/shapes.js';
import { checkMaxItems } from './input.js';
import { operation } from './operation.js';
import { paginate } from './pagination.js';

export const CreateCluster = operation<CreateClusterRequest>((store, request) => ({
  cluster: clusterShape(createCluster(store, request.clusterName ?? 'default')),
}));

export const DescribeClusters = operation<DescribeClustersRequest>((store, request) => {
  const wanted = request.clusters ?? ['default'];
  checkMaxItems(wanted, 100, 'clusters');
  const clusters = [];
  const failures = [];
  for (const nameOrArn of wanted) {
    const cluster = store.findCluster(nameOrArn);
    if (cluster) clusters.push(clusterShape(cluster));
    else failures.push({ arn: store.arns.cluster(clusterName(nameOrArn)), reason: 'MISSING' });
  }
  return { clusters, failures };
});

export const ListClusters = operation<ListClustersRequest>((store, request) => {
  const page = paginate(store.allClusters(), () => true, request, 'ListClusters');
  return { clusterArns: page.items.map((cluster) => cluster.arn), nextToken: page.nextToken };
});
