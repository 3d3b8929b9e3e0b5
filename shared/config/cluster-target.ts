/** ECS cluster names: up to 255 letters, digits, hyphens and underscores. */
export const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** arn:PARTITION:ecs:REGION:ACCOUNT:cluster/NAME; the groups are the Region, the account and the name. */
export const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):([0-9]{12}):cluster\/([A-Za-z0-9_-]{1,255})$/;

/** The ECS cluster a rule's `cluster` key stands for. */
export interface ClusterTarget {
  /** The cluster's name in ECS: the configured ARN's, else the key itself. */
  name: string;
  /**
   * What to send ECS as `cluster`: the configured ARN, which pins the account and Region, so a
   * client pointed elsewhere is refused rather than reading a namesake; else the name.
   */
  reference: string;
  /** Where the configured ARN puts the cluster; absent without one (wherever the caller runs). */
  region?: string;
  account?: string;
}

/**
 * The one reading of a `clusters` entry. The CLI sends `reference`; the stack checks `region` and
 * `account` against its own and then hands its functions the `name`, from which it also scopes
 * their permissions (formatted in the stack's account and Region, which the check makes the same).
 */
// The clusters are read as a shape, not as SchedulerConfig: the schema checks ARNs with the grammar above.
export function clusterTarget(config: { clusters: Readonly<Record<string, { arn?: string }>> }, key: string): ClusterTarget {
  const arn = config.clusters[key]?.arn;
  if (arn === undefined) return { name: key, reference: key };
  const match = CLUSTER_ARN.exec(arn);
  if (!match) throw new Error(`Cluster "${key}": ${JSON.stringify(arn)} is not a cluster ARN`);
  const [, region, account, name] = match as unknown as [string, string, string, string];
  return { name, reference: arn, region, account };
}
