import type { DescribeCapacityProvidersRequest } from '@aws-sdk/client-ecs';
import type { CapacityProviderRecord } from '../state/model.js';
import { checkMaxItems } from './input.js';
import { operation } from './operation.js';

/**
 * DescribeCapacityProviders by name or ARN (capacity providers belong to the account; here, to
 * whichever cluster they were set up on). Without names: every provider. One not found comes back
 * in `failures[]` as MISSING.
 */
export const DescribeCapacityProviders = operation<DescribeCapacityProvidersRequest>((store, request) => {
  checkMaxItems(request.capacityProviders, 100, 'capacityProviders');
  const all = new Map<string, CapacityProviderRecord>();
  for (const cluster of store.allClusters()) for (const provider of cluster.capacityProviders.values()) all.set(provider.name, provider);
  const wanted = request.capacityProviders ?? [...all.keys()];
  const capacityProviders = [];
  const failures = [];
  for (const nameOrArn of wanted) {
    const provider = all.get(nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1));
    if (!provider) {
      failures.push({ arn: nameOrArn.startsWith('arn:') ? nameOrArn : store.arns.capacityProvider(nameOrArn), reason: 'MISSING' });
      continue;
    }
    capacityProviders.push({
      capacityProviderArn: provider.arn,
      name: provider.name,
      status: 'ACTIVE',
      ...(provider.autoScalingGroupArn && {
        autoScalingGroupProvider: {
          autoScalingGroupArn: provider.autoScalingGroupArn,
          managedScaling: { status: 'DISABLED' },
          managedTerminationProtection: 'DISABLED',
        },
      }),
      tags: [],
    });
  }
  return { capacityProviders, failures };
});
