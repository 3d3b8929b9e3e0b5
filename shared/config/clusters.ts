import { z } from 'zod';
import { CLUSTER_ARN, CLUSTER_NAME } from './cluster-target.js';
import { matching } from './fields.js';
import { mustBe } from './messages.js';


export const clusterSchema = z.strictObject({
  /**
   * The cluster's ARN, when its ECS name differs from its key here.
   * Default: the cluster named like the key, in the deploy account and Region.
   */
  arn: matching(CLUSTER_ARN, 'a cluster ARN such as arn:aws:ecs:us-east-1:123456789012:cluster/NAME').optional(),
});

/** How a rule names its cluster; whether the cluster is defined is checked across the config (references.ts). */
export const CLUSTER_REFERENCE = 'the name of a cluster defined under clusters';

const CLUSTERS = 'an object of clusters by name, such as { prod: {} }';

/** Clusters by the name rules use for them in `cluster`; a record, so each name is defined once. */
export const clustersSchema = z.record(
  matching(CLUSTER_NAME, 'a cluster name: 1-255 letters, digits, - or _'),
  clusterSchema,
  // Only the section's own type gets this wording; problems inside it keep theirs.
  { error: (issue) => (issue.code === 'invalid_type' ? mustBe(CLUSTERS, issue.input) : undefined) },
);
