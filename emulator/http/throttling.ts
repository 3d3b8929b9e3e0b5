import { TokenBucket } from '../../shared/state/token-bucket.js';

/**
 * ECS's request throttling: token buckets per account and Region. Reads of cluster resources and
 * task writes each have their own bucket; other calls are not throttled here.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
 */
const BUCKETS = {
  clusterReads: { capacity: 100, refillPerSecond: 20 },
  taskWrites: { capacity: 100, refillPerSecond: 40 },
} as const;

type BucketName = keyof typeof BUCKETS;

const BUCKET_OF_OPERATION: Readonly<Record<string, BucketName>> = {
  ListTasks: 'clusterReads',
  DescribeTasks: 'clusterReads',
  ListContainerInstances: 'clusterReads',
  DescribeContainerInstances: 'clusterReads',
  StartTask: 'taskWrites',
  StopTask: 'taskWrites',
  RunTask: 'taskWrites',
};

export class Throttling {
  private buckets: Map<BucketName, TokenBucket> | undefined;

  constructor(
    private readonly now: () => number,
    enabled: boolean,
  ) {
    this.setEnabled(enabled);
  }

  /** Turning throttling on starts with full buckets, as an idle account has. */
  setEnabled(enabled: boolean): void {
    this.buckets = enabled ? this.fullBuckets() : undefined;
  }

  /** False when the operation's bucket is empty: the call is answered with ThrottlingException. */
  admit(operation: string): boolean {
    const name = BUCKET_OF_OPERATION[operation];
    if (!this.buckets || !name) return true;
    return this.buckets.get(name)?.take() ?? true;
  }

  private fullBuckets(): Map<BucketName, TokenBucket> {
    const entries = Object.entries(BUCKETS) as [BucketName, (typeof BUCKETS)[BucketName]][];
    return new Map(entries.map(([name, { capacity, refillPerSecond }]) => [name, new TokenBucket(capacity, refillPerSecond, this.now)]));
  }
}
