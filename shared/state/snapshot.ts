import type { Database, SqlValue, Statement } from 'sql.js';
import { LIVE_SQL } from './liveness.js';
import { SCHEMA } from './schema.js';
import { sqlite } from './sqlite.js';
import type { ClusterInfo, ContainerInstance, Requirements, Task, TaskDefinitionInfo, TaskScope } from './types.js';

export type Row = Record<string, SqlValue>;

export interface TaskFilter {
  startedBy?: string;
  /** Tasks whose startedBy begins with this (cron runs of one rule across slots). */
  startedByPrefix?: string;
  family?: string;
  containerInstanceArn?: string;
  /** Only tasks that are going or about to (see isLive). */
  live?: boolean;
}

/**
 * One consistent picture of a cluster, rebuilt per invocation. Plain objects serve the rules and
 * placement quickly; every change is mirrored into an in-memory SQLite database so the same state
 * can be queried with SQL and exported for the sqlite3 shell. All writes go through the methods
 * here, which keep the two in step.
 */
export class Snapshot {
  private readonly instancesByArn = new Map<string, ContainerInstance>();
  private readonly tasksByArn = new Map<string, Task>();
  private readonly definitionsByArn = new Map<string, TaskDefinitionInfo>();
  /** A rule's reference (family, family:revision) to the ARN it resolved to in this load. */
  private readonly definitionAliases = new Map<string, string>();

  private constructor(
    private readonly db: Database,
    readonly cluster: ClusterInfo,
    readonly scope: TaskScope,
    readonly loadedAt: Date,
  ) {}

  static async create(cluster: ClusterInfo, scope: TaskScope, loadedAt = new Date()): Promise<Snapshot> {
    const SQL = await sqlite();
    const db = new SQL.Database();
    db.run(SCHEMA);
    db.run('INSERT INTO clusters (arn, name, status) VALUES (?, ?, ?)', [cluster.arn, cluster.name, cluster.status]);
    return new Snapshot(db, cluster, scope, loadedAt);
  }

  // ---- reads ---------------------------------------------------------------------------------

  instances(): ContainerInstance[] {
    return [...this.instancesByArn.values()];
  }

  instance(arn: string): ContainerInstance | undefined {
    return this.instancesByArn.get(arn);
  }

  /**
   * Instances that could take a task with these needs right now: ACTIVE, agent connected, enough
   * remaining CPU and memory, and none of the needed host ports in use. Largest remaining memory
   * first, so callers that take the head get a deterministic answer.
   */
  findInstances(needs: Requirements): ContainerInstance[] {
    const clauses = [
      "ci.status = 'ACTIVE'",
      'ci.agent_connected = 1',
      'ci.remaining_cpu >= ?',
      'ci.remaining_memory >= ?',
    ];
    const params: SqlValue[] = [needs.cpu, needs.memory];
    for (const [protocol, ports] of [['tcp', needs.tcpPorts], ['udp', needs.udpPorts]] as const) {
      if (ports.length === 0) continue;
      clauses.push(
        `NOT EXISTS (SELECT 1 FROM json_each(ci.${protocol}_ports_in_use) p WHERE p.value IN (${placeholders(ports.length)}))`,
      );
      params.push(...ports);
    }
    const rows = this.query<{ arn: string }>(
      `SELECT ci.arn FROM container_instances ci WHERE ${clauses.join(' AND ')} ORDER BY ci.remaining_memory DESC, ci.arn`,
      params,
    );
    return rows.map((row) => this.instancesByArn.get(row.arn)!);
  }

  tasks(filter: TaskFilter = {}): Task[] {
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    if (filter.startedBy !== undefined) {
      clauses.push('started_by = ?');
      params.push(filter.startedBy);
    }
    if (filter.startedByPrefix !== undefined) {
      // substr rather than LIKE: startedBy may contain % or _.
      clauses.push('substr(started_by, 1, ?) = ?');
      params.push(filter.startedByPrefix.length, filter.startedByPrefix);
    }
    if (filter.family !== undefined) {
      clauses.push('family = ?');
      params.push(filter.family);
    }
    if (filter.containerInstanceArn !== undefined) {
      clauses.push('container_instance_arn = ?');
      params.push(filter.containerInstanceArn);
    }
    if (filter.live) clauses.push(LIVE_SQL);
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.query<{ arn: string }>(`SELECT arn FROM tasks ${where} ORDER BY created_at, arn`, params).map(
      (row) => this.tasksByArn.get(row.arn)!,
    );
  }

  task(arn: string): Task | undefined {
    return this.tasksByArn.get(arn);
  }

  /** By full ARN, or by the reference a rule used when the snapshot was loaded. */
  taskDefinition(reference: string): TaskDefinitionInfo | undefined {
    return this.definitionsByArn.get(this.definitionAliases.get(reference) ?? reference);
  }

  taskDefinitions(): TaskDefinitionInfo[] {
    return [...this.definitionsByArn.values()];
  }

  /** Ad-hoc SQL over the snapshot, always with bound parameters. */
  query<T extends object = Row>(sql: string, params: SqlValue[] = []): T[] {
    const statement = this.db.prepare(sql);
    try {
      statement.bind(params);
      const rows: T[] = [];
      while (statement.step()) rows.push(statement.getAsObject() as T);
      return rows;
    } finally {
      statement.free();
    }
  }

  /** The snapshot as an SQLite database file (opens in the sqlite3 shell). */
  export(): Uint8Array {
    return this.db.export();
  }

  close(): void {
    this.db.close();
  }

  // ---- writes --------------------------------------------------------------------------------

  /** Adds or replaces instances (a load, or a refresh after a StartTask conflict). */
  putInstances(instances: readonly ContainerInstance[]): void {
    this.transaction(() =>
      this.insertRows(
        'container_instances',
        ['arn', 'ec2_instance_id', 'status', 'agent_connected', 'agent_version', 'registered_cpu', 'registered_memory',
          'remaining_cpu', 'remaining_memory', 'tcp_ports_in_use', 'udp_ports_in_use', 'attributes', 'registered_at',
          'running_tasks_count', 'pending_tasks_count', 'version'],
        instances.map((ci) => [
          ci.arn, ci.ec2InstanceId, ci.status, ci.agentConnected ? 1 : 0, ci.agentVersion, ci.registeredCpu,
          ci.registeredMemory, ci.remainingCpu, ci.remainingMemory, JSON.stringify([...new Set(ci.tcpPortsInUse)]),
          JSON.stringify([...new Set(ci.udpPortsInUse)]), JSON.stringify(Object.fromEntries([...ci.attributes].map(([name, value]) => [name, value ?? null]))),
          ci.registeredAt.toISOString(), ci.runningTasksCount, ci.pendingTasksCount, ci.version,
        ]),
      ),
    );
    for (const ci of instances) this.instancesByArn.set(ci.arn, ci);
  }

  putTasks(tasks: readonly Task[]): void {
    this.transaction(() =>
      this.insertRows(
        'tasks',
        ['arn', 'container_instance_arn', 'task_definition_arn', 'family', 'revision', 'started_by', 'task_group',
          'last_status', 'desired_status', 'created_at', 'started_at', 'cpu', 'memory', 'version'],
        tasks.map((t) => [
          t.arn, t.containerInstanceArn ?? null, t.taskDefinitionArn, t.family, t.revision, t.startedBy ?? null,
          t.group ?? null, t.lastStatus, t.desiredStatus, t.createdAt?.toISOString() ?? null,
          t.startedAt?.toISOString() ?? null, t.cpu, t.memory, t.version,
        ]),
      ),
    );
    for (const t of tasks) this.tasksByArn.set(t.arn, t);
  }

  /** Records what a rule's task definition reference (a family, say) resolved to. */
  aliasTaskDefinition(reference: string, arn: string): void {
    this.definitionAliases.set(reference, arn);
  }

  putTaskDefinitions(definitions: readonly TaskDefinitionInfo[]): void {
    this.transaction(() =>
      this.insertRows(
        'task_definitions',
        ['arn', 'family', 'revision', 'network_mode', 'cpu', 'memory', 'tcp_ports', 'udp_ports', 'task_role_arn', 'execution_role_arn'],
        definitions.map((d) => [
          d.arn, d.family, d.revision, d.networkMode, d.requirements.cpu, d.requirements.memory,
          JSON.stringify(d.requirements.tcpPorts), JSON.stringify(d.requirements.udpPorts),
          d.taskRoleArn ?? null, d.executionRoleArn ?? null,
        ]),
      ),
    );
    for (const d of definitions) this.definitionsByArn.set(d.arn, d);
  }

  /**
   * Books a started task's needs against its instance, so later placements in the same
   * invocation see the capacity as taken (ECS would reject them anyway, at the cost of a call).
   */
  reserve(instanceArn: string, needs: Requirements): ContainerInstance {
    const current = this.instancesByArn.get(instanceArn);
    if (!current) throw new Error(`Cannot reserve on ${instanceArn}: the instance is not in the snapshot`);
    const updated: ContainerInstance = {
      ...current,
      remainingCpu: current.remainingCpu - needs.cpu,
      remainingMemory: current.remainingMemory - needs.memory,
      tcpPortsInUse: [...current.tcpPortsInUse, ...needs.tcpPorts],
      udpPortsInUse: [...current.udpPortsInUse, ...needs.udpPorts],
      // A task ECS just accepted is pending until its containers start.
      pendingTasksCount: current.pendingTasksCount + 1,
    };
    this.putInstances([updated]);
    return updated;
  }

  /**
   * Inserts (or replaces) many rows with multi-row INSERTs: a sql.js statement call costs far more
   * than the row it carries, so a load of thousands of rows goes in a few hundred calls.
   */
  private insertRows(table: string, columns: readonly string[], rows: readonly SqlValue[][]): void {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
    const tuple = `(${placeholders(columns.length)})`;
    const statementFor = (count: number) =>
      this.db.prepare(`INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES ${Array(count).fill(tuple).join(', ')}`);
    let full: Statement | undefined;
    try {
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        if (chunk.length === perStatement) {
          full ??= statementFor(perStatement);
          full.run(chunk.flat());
        } else {
          const partial = statementFor(chunk.length);
          try {
            partial.run(chunk.flat());
          } finally {
            partial.free();
          }
        }
      }
    } finally {
      full?.free();
    }
  }

  private transaction(work: () => void): void {
    this.db.run('BEGIN');
    try {
      work();
      this.db.run('COMMIT');
    } catch (error) {
      this.db.run('ROLLBACK');
      throw error;
    }
  }
}

/** Bound parameters per statement: well under SQLite's limit, and large enough to amortize a call. */
const MAX_PARAMETERS = 999;

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
