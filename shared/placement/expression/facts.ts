/** What the evaluator knows about one container instance: plain values from the snapshot. */
export interface InstanceFacts {
  containerInstanceArn: string;
  ec2InstanceId: string;
  agentConnected: boolean;
  /** The container agent's version, e.g. '1.79.0'. */
  agentVersion: string;
  registeredAt: Date;
  runningTasksCount: number;
  /** Attribute name -> value; an attribute that exists without a value maps to undefined. */
  attributes: ReadonlyMap<string, string | undefined>;
  /**
   * The `group` of each task on the instance, for task:group and distinctInstance. Include the
   * tasks this invocation has already started there, so later placements see them.
   */
  taskGroups: ReadonlyArray<string>;
}
