/** The cluster named in a rule or command does not exist in this account and Region. */
export class ClusterNotFoundError extends Error {
  override readonly name = 'ClusterNotFoundError';
  constructor(readonly cluster: string, options?: ErrorOptions) {
    super(`Cluster "${cluster}" was not found: check the name and the Region`, options);
  }
}

/**
 * A List or Describe call failed even after the SDK's retries. The whole load fails: a scheduler
 * acting on a silently smaller snapshot would start duplicates or stop the wrong tasks.
 */
export class SnapshotLoadError extends Error {
  override readonly name = 'SnapshotLoadError';
  constructor(
    readonly cluster: string,
    readonly call: string,
    options: ErrorOptions & { attempts?: number; reason: string },
  ) {
    const attempts = options.attempts === undefined ? '' : ` after ${options.attempts} attempt(s)`;
    super(`Loading cluster "${cluster}" failed: ${call} failed${attempts}: ${options.reason}`, options);
  }
}
