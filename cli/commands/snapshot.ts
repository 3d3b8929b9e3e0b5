import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { loadSnapshot, type Snapshot } from '../../shared/state/index.js';
import { AWS_OPTIONS, onlyOptions, type ParsedArgs } from '../args.js';
import { ecsClientFor } from '../aws.js';
import { EXIT_OK, UsageError, explain, type ExitCode } from '../errors.js';
import type { Output } from '../output.js';
import { ProgressBar } from '../progress.js';

/** `ecs-sched snapshot`: the cluster as a SQLite file, the same tables rules and `query` read. */
export async function snapshot(args: ParsedArgs, out: Output): Promise<ExitCode> {
  onlyOptions('snapshot', args.given, ['cluster', 'out', ...AWS_OPTIONS]);
  const cluster = requiredCluster(args, 'snapshot');
  if (args.flags.out === undefined) throw new UsageError('snapshot needs --out FILE', 'for example: ecs-sched snapshot --cluster prod --out prod.sqlite');
  if (args.positionals.length > 0) throw new UsageError(`snapshot takes no arguments, found ${JSON.stringify(args.positionals[0])}`);
  const file = args.flags.out;

  const { ecs, target } = ecsClientFor(args.flags);
  const started = performance.now();
  const loaded = await loadWholeCluster(ecs, cluster, out).catch((error: unknown) => {
    throw explain(error, target);
  });
  try {
    const bytes = loaded.export();
    // Written beside the target, then renamed: a failed write never leaves half a database behind.
    const partial = `${resolve(file)}.${process.pid}.partial`;
    try {
      await writeFile(partial, bytes);
      await rename(partial, resolve(file));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const summary = {
      file,
      cluster: loaded.cluster.arn,
      loadedAt: loaded.loadedAt.toISOString(),
      instances: loaded.instances().length,
      tasks: loaded.tasks().length,
      taskDefinitions: loaded.taskDefinitions().length,
      bytes: bytes.length,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    out.result(summary);
    out.line(
      `wrote ${file}: ${summary.instances} instances, ${summary.tasks} tasks, ${summary.taskDefinitions} task definitions of ${summary.cluster} (${summary.seconds} s)`,
    );
    return EXIT_OK;
  } finally {
    loaded.close();
  }
}

/**
 * Every container instance and every RUNNING-desired task (scope `all`, what ListTasks returns
 * by default), with a progress bar on a terminal. Shared by `snapshot` and `query`.
 */
export async function loadWholeCluster(ecs: ECSClient, cluster: string, out: Output): Promise<Snapshot> {
  const stderr = out.streams.stderr;
  const bar = ProgressBar.wanted(stderr, out.json) ? new ProgressBar(stderr, cluster) : undefined;
  try {
    return await loadSnapshot(ecs, cluster, { kind: 'all' }, bar ? { onProgress: (progress) => bar.update(progress) } : {});
  } finally {
    bar?.done();
  }
}

export function requiredCluster(args: ParsedArgs, command: string): string {
  const cluster = args.flags.cluster;
  if (cluster === undefined || cluster === '') throw new UsageError(`${command} needs --cluster CLUSTER (a name or an ARN)`);
  return cluster;
}
