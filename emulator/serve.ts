/**
 * Runs the emulator as its own process, for benchmarks (so its CPU and heap are not counted
 * against the code under test); to try the CLI by hand, `ecs-sched emulator` seeds one for the
 * config instead:
 *
 *   npx tsx emulator/serve.ts --cluster demo --instances 1000 --tasks 20000 --daemon-started-by daemon/node-exporter --throttling
 *
 * Prints one JSON line, {"endpoint": "...", "cluster": "..."}, once it is ready, and exits when
 * its standard input closes or it gets SIGTERM, so it never outlives whoever started it.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';
import { Random } from './random.js';
import { seedCluster } from './seed.js';

const { values } = parseArgs({
  options: {
    cluster: { type: 'string', default: 'demo' },
    instances: { type: 'string', default: '20' },
    tasks: { type: 'string', default: '0' },
    /** Comma-separated families for the workload tasks; the seeder's catalog when absent. */
    families: { type: 'string' },
    /** With --families: register each family as one container of this size, for dense clusters. */
    'task-cpu': { type: 'string' },
    'task-memory': { type: 'string' },
    'daemon-family': { type: 'string', default: 'daemon' },
    'daemon-started-by': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    throttling: { type: 'boolean', default: false },
    /** A share of StartTask calls that start their tasks but lose the answer (a 500), for the crash suite. */
    'lose-start-answers': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});

const emulator = await startEmulator({
  latencyMs: Number(values['latency-ms']),
  throttling: values.throttling,
  randomSeed: Number(values.seed),
});
const loseRate = Number(values['lose-start-answers']);
if (!(loseRate >= 0 && loseRate <= 1)) throw new RangeError(`--lose-start-answers must be between 0 and 1, got ${values['lose-start-answers']}`);
if (loseRate > 0) {
  const random = new Random(Number(values.seed) + 1);
  for (const operation of ['StartTask', 'RunTask']) emulator.failCalls({ operation, answerLost: true, when: () => random.next() < loseRate });
}
const families = values.families?.split(',').filter(Boolean);
if (families && values['task-cpu'] && values['task-memory']) {
  for (const family of families) {
    emulator.admin.registerTaskDefinition({
      family,
      containerDefinitions: [{ name: family, image: `example/${family}:1`, cpu: Number(values['task-cpu']), memoryReservation: Number(values['task-memory']) }],
    });
  }
}
seedCluster(emulator, {
  ...(families ? { families } : {}),
  cluster: values.cluster,
  instances: Number(values.instances),
  tasks: Number(values.tasks),
  seed: Number(values.seed),
  ...(values['daemon-started-by'] ? { daemon: { family: values['daemon-family'], startedBy: values['daemon-started-by'] } } : {}),
});

const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

console.log(JSON.stringify({ endpoint: emulator.endpoint, cluster: values.cluster }));
