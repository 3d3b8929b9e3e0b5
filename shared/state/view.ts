import type { ContainerInstance, Task } from './types.js';

/**
 * The cluster as rules and placement read it: plain objects, nothing to know about SQL or the
 * AWS SDK. A loaded Snapshot is one; a test may hand a rule any other.
 */
export interface ClusterView {
  instances(): ContainerInstance[];
  instance(arn: string): ContainerInstance | undefined;
  /** Oldest first (tasks without a creation time before the rest), then by ARN. */
  tasks(filter?: TaskFilter): Task[];
}

export interface TaskFilter {
  startedBy?: string;
  /** Tasks whose startedBy begins with this (cron runs of one rule across slots). */
  startedByPrefix?: string;
  family?: string;
  containerInstanceArn?: string;
  /** Only tasks that are going or about to (see isLive). */
  live?: boolean;
}
