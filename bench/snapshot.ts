import { parseArgs } from 'node:util';
import { CallCounter } from '../shared/ecs/call-counter.js';
import { createEcsClient } from '../shared/ecs/client.js';
import { loadSnapshot } from '../shared/state/load.js';
import type { TaskScope } from '../shared/state/types.js';
import { spawnEmulator } from './emulator-process.js';
import { round } from './stats.js';

const DAEMON_STARTED_BY = 'daemon/bench';

/**
 * Loads one snapshot from a freshly seeded emulator (its own process, throttling on) and reports
 * the calls it took, the load's wall time (seeding excluded) and the heap it holds.
 */
export async function snapshotBench(argv: string[]): Promise<object> {
  const { values } = parseArgs({
    args: argv,
    options: {
      instances: { type: 'string', default: '1000' },
      tasks: { type: 'string', default: '20000' },
      'latency-ms': { type: 'string', default: '10' },
      scope: { type: 'string', default: 'daemon' },
    },
  });
  const instances = Number(values.instances);
  const tasks = Number(values.tasks);
  const latencyMs = Number(values['latency-ms']);
  if (values.scope !== 'daemon' && values.scope !== 'all') throw new Error(`--scope must be daemon or all, not "${values.scope}"`);
  const scope: TaskScope = values.scope === 'daemon' ? { kind: 'startedBy', startedBy: DAEMON_STARTED_BY } : { kind: 'all' };

  // The daemon copies are part of the M tasks: one per instance, the rest spread over other families.
  const emulator = await spawnEmulator([
    '--cluster', 'bench', '--instances', String(instances), '--tasks', String(Math.max(0, tasks - instances)),
    // Small tasks of four families, so 20 fit on the smallest instance.
    '--families', 'svc-a,svc-b,svc-c,svc-d', '--task-cpu', '64', '--task-memory', '128',
    '--daemon-started-by', DAEMON_STARTED_BY, '--latency-ms', String(latencyMs), '--throttling',
  ]);
  try {
    const ecs = createEcsClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    const calls = new CallCounter().attach(ecs);
    const started = performance.now();
    const snapshot = await loadSnapshot(ecs, 'bench', scope);
    const wallMs = performance.now() - started;
    // Everything the process holds once loaded: the JS heap plus external memory, which includes
    // sql.js's WebAssembly memory (the SQLite pages live there, not in the JS heap).
    const memory = process.memoryUsage();
    const heapMB = (memory.heapUsed + memory.external) / 2 ** 20;
    console.error(`loaded ${snapshot.instances().length} instances and ${snapshot.tasks().length} tasks; calls: ${JSON.stringify(calls.byOperation())}`);
    snapshot.close();
    ecs.destroy();
    return { bench: 'snapshot', instances, tasks, latencyMs, scope: values.scope, apiCalls: calls.total(), wallMs: round(wallMs, 0), heapMB: round(heapMB, 1) };
  } finally {
    await emulator.stop();
  }
}
