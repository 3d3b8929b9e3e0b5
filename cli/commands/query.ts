import { AWS_OPTIONS, onlyOptions, type ParsedArgs } from '../args.js';
import { ecsClientFor } from '../aws.js';
import { CliError, EXIT_OK, EXIT_USAGE, UsageError, explain, type ExitCode } from '../errors.js';
import type { Output } from '../output.js';
import { formatTable } from '../table.js';
import { loadWholeCluster, requiredCluster } from './snapshot.js';

/**
 * `ecs-sched query`: one SQL statement over a fresh snapshot of the whole cluster (every instance,
 * every RUNNING-desired task). The snapshot is an in-memory copy: a statement that writes changes
 * only the copy, never the cluster.
 */
export async function query(args: ParsedArgs, out: Output): Promise<ExitCode> {
  onlyOptions('query', args.given, ['cluster', ...AWS_OPTIONS]);
  const cluster = requiredCluster(args, 'query');
  if (args.positionals.length !== 1) {
    throw new UsageError(
      args.positionals.length === 0 ? 'query needs the SQL to run' : 'query takes one SQL text: quote it',
      `for example: ecs-sched query --cluster ${cluster} "SELECT status, count(*) FROM container_instances GROUP BY status"`,
    );
  }
  const sql = args.positionals[0]!;
  const { ecs, target } = ecsClientFor(args.flags);
  const snapshot = await loadWholeCluster(ecs, cluster, out).catch((error: unknown) => {
    throw explain(error, target);
  });
  try {
    let rows: Record<string, unknown>[];
    try {
      rows = snapshot.query(sql);
    } catch (error) {
      // sql.js reports SQLite's own message ("no such table: x", "near \"FORM\": syntax error").
      throw new CliError(`SQL error: ${(error as Error).message}`, EXIT_USAGE, 'SqlError', 'tables: clusters, container_instances, tasks, task_definitions; views: instance_attributes, instance_ports', {
        cause: error,
      });
    }
    out.result(rows);
    out.line(formatTable(rows));
    return EXIT_OK;
  } finally {
    snapshot.close();
  }
}
