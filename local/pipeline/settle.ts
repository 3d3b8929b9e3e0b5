import type { Emulator } from '../../emulator/index.js';
import type { EventPipeline } from './event-pipeline.js';

/**
 * Runs pipelines and the emulator until nothing moves: no message receivable now, no batch in
 * flight, every task transition and event delivered (handling a batch causes events, which fill
 * queues again). Messages waiting out a visibility timeout wait for the clock to move. Tests,
 * benchmarks and local mode wait on this instead of sleeping.
 */
export async function settle(emulator: Emulator, pipelines: readonly EventPipeline[]): Promise<void> {
  do {
    for (const pipeline of pipelines) await pipeline.drain();
    await emulator.admin.settle();
  } while (pipelines.some((pipeline) => pipeline.queue.ready || pipeline.busy));
}
