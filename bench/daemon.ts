import { parseArgs } from 'node:util';
import { seedCluster, startEmulator } from '../emulator/index.js';
import { createEcsClient } from '../shared/ecs/client.js';
import { instanceEventsPattern, copyLifecyclePattern } from '../shared/events/patterns.js';
import { systemClock } from '../shared/handlers/context.js';
import { handleDaemonBatch } from '../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../shared/handlers/daemon/memory.js';
import { MemoryPublisher } from '../shared/report/publisher.js';
import { daemonKey, type DaemonRule } from '../shared/rules/daemon/rule.js';
import { TaskStatus } from '../shared/state/types.js';
import { EventPipeline } from '../local/pipeline/event-pipeline.js';
import { settle } from '../local/pipeline/settle.js';
import { quietTelemetry } from './telemetry.js';
import { round } from './stats.js';

/**
 * A scale-out burst: a cluster of N instances with the daemon in place gets N more at once, as
 * ECS events through the local pipeline (EventBridge patterns, SQS FIFO, the real handler),
 * throttling on. Runs until nothing moves, then counts coverage and what it cost.
 */
export async function daemonBench(argv: string[]): Promise<object> {
  const { values } = parseArgs({
    args: argv,
    options: { instances: { type: 'string', default: '1000' }, 'latency-ms': { type: 'string', default: '10' } },
  });
  const instances = Number(values.instances);
  const latencyMs = Number(values['latency-ms']);
  const rule: DaemonRule = { name: 'bench', cluster: 'bench', taskDefinition: 'bench-daemon' };
  const key = daemonKey(rule);

  const emulator = await startEmulator({ latencyMs, throttling: true, randomSeed: 1 });
  try {
    const { clusterArn } = seedCluster(emulator, { cluster: 'bench', instances, daemon: { family: 'bench-daemon', startedBy: key } });
    const ecs = createEcsClient({ endpoint: emulator.endpoint, region: emulator.region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    const context = { rule, ecs, memory: new DaemonMemory(key), publisher: new MemoryPublisher(), ...quietTelemetry(), ...systemClock, remainingTimeMs: () => 900_000 };
    let reconciles = 0;
    const pipeline = new EventPipeline({
      patterns: [instanceEventsPattern(clusterArn), copyLifecyclePattern(clusterArn, key)],
      groupId: clusterArn,
      handler: async (messages) => {
        const outcome = await handleDaemonBatch(messages, context);
        if (outcome.reconciled) reconciles += 1;
      },
    }).connect(emulator);

    emulator.calls.reset();
    const started = performance.now();
    for (let i = 0; i < instances; i += 1) emulator.admin.registerInstance({ cluster: 'bench', cpu: 2048, memory: 7680 });
    await settle(emulator, [pipeline]);
    const wallMs = performance.now() - started;

    const active = emulator.admin.listInstances('bench').filter((i) => i.status === 'ACTIVE');
    const everStarted = emulator.admin.listTasks('bench', { startedBy: key });
    const running = everStarted.filter((t) => t.desiredStatus === TaskStatus.Running);
    const perInstance = new Map<string | undefined, number>();
    for (const task of running) perInstance.set(task.containerInstanceArn, (perInstance.get(task.containerInstanceArn) ?? 0) + 1);
    const covered = active.filter((i) => perInstance.get(i.arn) === 1).length;
    const duplicates = everStarted.length - new Set(everStarted.map((t) => t.containerInstanceArn)).size;
    const { delivered, deduplicated, filtered, batches } = pipeline.stats;
    console.error(`events: ${delivered} queued, ${filtered} filtered by the patterns, ${deduplicated} deduplicated; ${batches} batches; calls: ${JSON.stringify(emulator.calls.byOperation())}`);
    pipeline.disconnect();
    ecs.destroy();
    return {
      bench: 'daemon',
      instances,
      latencyMs,
      events: delivered + filtered + deduplicated,
      reconciles,
      apiCalls: emulator.calls.total(),
      eligible: active.length,
      covered,
      started: everStarted.length - instances,
      duplicates,
      wallMs: round(wallMs, 0),
    };
  } finally {
    await emulator.close();
  }
}
