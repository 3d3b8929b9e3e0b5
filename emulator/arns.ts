/** ARN formats ECS uses (the long ARN format, with the cluster name in task and instance ARNs). */
export class Arns {
  private readonly prefix: string;

  constructor(region: string, accountId: string) {
    this.prefix = `arn:aws:ecs:${region}:${accountId}`;
  }

  cluster(name: string): string {
    return `${this.prefix}:cluster/${name}`;
  }

  containerInstance(clusterName: string, id: string): string {
    return `${this.prefix}:container-instance/${clusterName}/${id}`;
  }

  task(clusterName: string, id: string): string {
    return `${this.prefix}:task/${clusterName}/${id}`;
  }

  container(clusterName: string, taskId: string, containerId: string): string {
    return `${this.prefix}:container/${clusterName}/${taskId}/${containerId}`;
  }

  capacityProvider(name: string): string {
    return `${this.prefix}:capacity-provider/${name}`;
  }

  taskDefinition(family: string, revision: number): string {
    return `${this.prefix}:task-definition/${family}:${revision}`;
  }
}

/**
 * The id at the end of an ARN, or the argument itself when it is already a short id. ECS accepts
 * either wherever it takes a task or container instance.
 */
export function shortId(idOrArn: string): string {
  if (!idOrArn.startsWith('arn:')) return idOrArn;
  const slash = idOrArn.lastIndexOf('/');
  return slash === -1 ? idOrArn : idOrArn.slice(slash + 1);
}

/** A cluster name from a name or a cluster ARN. */
export function clusterName(nameOrArn: string): string {
  const marker = ':cluster/';
  const at = nameOrArn.indexOf(marker);
  return nameOrArn.startsWith('arn:') && at !== -1 ? nameOrArn.slice(at + marker.length) : nameOrArn;
}
