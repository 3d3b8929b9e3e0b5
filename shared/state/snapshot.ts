/*
 * Plain objects are the snapshot's one source, and its hot path: rules and placement read them
 * through ClusterView. Placement must name why each instance is turned down and evaluate
 * memberOf, which SQL cannot, so SQL could only pre-filter; and mirroring every load into sql.js
 * cost more than the rule itself (0.3 s or more per 20,000 tasks) for rows no Lambda read.
 * SQL is how people look at the same state (`ecs-sched query`, an exported sqlite3 file): the
 * database is written from these objects when first asked for, and kept in step after that.
 */
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { isLive } from './liveness.js';
import { SCHEMA } from './schema.js';
import { sqlite } from './sqlite.js';
import type { ClusterInfo, ContainerInstance, Requirements, Task, TaskDefinitionInfo, TaskScope } from './types.js';
import type { ClusterView, TaskFilter } from './view.js';

export type Row = Record<string, SqlValue>;

/**
 * One consistent picture of a cluster, rebuilt per invocation. All writes go through the
 * methods here, which keep the objects and (once built) the SQL database in step.
 */
export class Snapshot implements ClusterView {
  private readonly instancesByArn = new Map<string, ContainerInstance>();
  private readonly tasksByArn = new Map<string, Task>();
  private readonly definitionsByArn = new Map<string, TaskDefinitionInfo>();
  /** A rule's reference (family, family:revision) to the ARN it resolved to in this load. */
  private readonly definitionAliases = new Map<string, string>();
  /** Every task in the order tasks() gives them; dropped when tasks change. */
  private ordered: Task[] | undefined;
  /** The SQL database, once query() or export() has asked for it. */
  private db: Database | undefined;

  private constructor(
    private readonly engine: SqlJsStatic,
    readonly cluster: ClusterInfo,
    readonly scope: TaskScope,
    readonly loadedAt: Date,
  ) {}

  /** Waits for the SQL engine, so that query() and export() can answer synchronously. */
  static async create(cluster: ClusterInfo, scope: TaskScope, loadedAt = new Date()): Promise<Snapshot> {
    return new Snapshot(await sqlite(), cluster, scope, loadedAt);
  }

  // ---- reads ---------------------------------------------------------------------------------

  instances(): ContainerInstance[] {
    return [...this.instancesByArn.values()];
  }

  instance(arn: string): ContainerInstance | undefined {
    return this.instancesByArn.get(arn);
  }

  tasks(filter: TaskFilter = {}): Task[] {
    this.ordered ??= [...this.tasksByArn.values()].sort(byCreation);
    return this.ordered.filter((task) => matches(task, filter));
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
    const statement = this.database().prepare(sql);
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
    return this.database().export();
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  // ---- writes --------------------------------------------------------------------------------

  /** Adds or replaces instances (a load, or a refresh after a StartTask conflict). */
  putInstances(instances: readonly ContainerInstance[]): void {
    for (const ci of instances) this.instancesByArn.set(ci.arn, ci);
    if (this.db) writeRows(this.db, INSTANCE_ROWS, instances);
  }

  putTasks(tasks: readonly Task[]): void {
    for (const t of tasks) this.tasksByArn.set(t.arn, t);
    this.ordered = undefined;
    if (this.db) writeRows(this.db, TASK_ROWS, tasks);
  }

  /** Records what a rule's task definition reference (a family, say) resolved to. */
  aliasTaskDefinition(reference: string, arn: string): void {
    this.definitionAliases.set(reference, arn);
  }

  putTaskDefinitions(definitions: readonly TaskDefinitionInfo[]): void {
    for (const d of definitions) this.definitionsByArn.set(d.arn, d);
    if (this.db) writeRows(this.db, DEFINITION_ROWS, definitions);
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

  /** The SQL database, written from the objects the first time it is asked for. */
  private database(): Database {
    if (this.db) return this.db;
    const db = new this.engine.Database();
    try {
      db.run(SCHEMA);
      db.run('INSERT INTO clusters (arn, name, status) VALUES (?, ?, ?)', [this.cluster.arn, this.cluster.name, this.cluster.status]);
      writeRows(db, INSTANCE_ROWS, [...this.instancesByArn.values()]);
      writeRows(db, DEFINITION_ROWS, [...this.definitionsByArn.values()]);
      writeRows(db, TASK_ROWS, [...this.tasksByArn.values()]);
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
    return db;
  }
}

function matches(task: Task, filter: TaskFilter): boolean {
  return (
    (filter.startedBy === undefined || task.startedBy === filter.startedBy) &&
    (filter.startedByPrefix === undefined || (task.startedBy?.startsWith(filter.startedByPrefix) ?? false)) &&
    (filter.family === undefined || task.family === filter.family) &&
    (filter.containerInstanceArn === undefined || task.containerInstanceArn === filter.containerInstanceArn) &&
    (!filter.live || isLive(task))
  );
}

/** By creation time, a task without one first, then by ARN. */
function byCreation(a: Task, b: Task): number {
  const at = a.createdAt?.getTime() ?? -Infinity;
  const bt = b.createdAt?.getTime() ?? -Infinity;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}

/** How one kind of object becomes a row of its table. */
interface RowMapping<T> {
  table: string;
  columns: readonly string[];
  row(item: T): SqlValue[];
}

const INSTANCE_ROWS: RowMapping<ContainerInstance> = {
  table: 'container_instances',
  columns: ['arn', 'ec2_instance_id', 'capacity_provider_name', 'status', 'agent_connected', 'agent_version', 'registered_cpu', 'registered_memory',
    'remaining_cpu', 'remaining_memory', 'tcp_ports_in_use', 'udp_ports_in_use', 'attributes', 'registered_at',
    'running_tasks_count', 'pending_tasks_count', 'version'],
  row: (ci) => [
    ci.arn, ci.ec2InstanceId, ci.capacityProviderName ?? null, ci.status, ci.agentConnected ? 1 : 0, ci.agentVersion, ci.registeredCpu,
    ci.registeredMemory, ci.remainingCpu, ci.remainingMemory, JSON.stringify([...new Set(ci.tcpPortsInUse)]),
    JSON.stringify([...new Set(ci.udpPortsInUse)]), JSON.stringify(Object.fromEntries([...ci.attributes].map(([name, value]) => [name, value ?? null]))),
    ci.registeredAt.toISOString(), ci.runningTasksCount, ci.pendingTasksCount, ci.version,
  ],
};

const TASK_ROWS: RowMapping<Task> = {
  table: 'tasks',
  columns: ['arn', 'container_instance_arn', 'task_definition_arn', 'family', 'revision', 'started_by', 'task_group',
    'last_status', 'desired_status', 'created_at', 'started_at', 'cpu', 'memory', 'version'],
  row: (t) => [
    t.arn, t.containerInstanceArn ?? null, t.taskDefinitionArn, t.family, t.revision, t.startedBy ?? null,
    t.group ?? null, t.lastStatus, t.desiredStatus, t.createdAt?.toISOString() ?? null,
    t.startedAt?.toISOString() ?? null, t.cpu, t.memory, t.version,
  ],
};

const DEFINITION_ROWS: RowMapping<TaskDefinitionInfo> = {
  table: 'task_definitions',
  columns: ['arn', 'family', 'revision', 'network_mode', 'cpu', 'memory', 'tcp_ports', 'udp_ports', 'task_role_arn', 'execution_role_arn'],
  row: (d) => [
    d.arn, d.family, d.revision, d.networkMode, d.requirements.cpu, d.requirements.memory,
    JSON.stringify(d.requirements.tcpPorts), JSON.stringify(d.requirements.udpPorts),
    d.taskRoleArn ?? null, d.executionRoleArn ?? null,
  ],
};

/**
 * Inserts (or replaces) rows in one transaction with multi-row INSERTs: a sql.js statement call
 * costs far more than the row it carries, so thousands of rows go in a few hundred calls.
 */
function writeRows<T>(db: Database, mapping: RowMapping<T>, items: readonly T[]): void {
  const rows = items.map(mapping.row);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / mapping.columns.length));
  const tuple = `(${placeholders(mapping.columns.length)})`;
  const statementFor = (count: number) =>
    db.prepare(`INSERT OR REPLACE INTO ${mapping.table} (${mapping.columns.join(', ')}) VALUES ${Array(count).fill(tuple).join(', ')}`);
  db.run('BEGIN');
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
    db.run('COMMIT');
  } catch (error) {
    db.run('ROLLBACK');
    throw error;
  } finally {
    full?.free();
  }
}

/** Bound parameters per statement: well under SQLite's limit, and large enough to amortize a call. */
const MAX_PARAMETERS = 999;

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
