/**
 * One handler invocation in a process of its own, as Lambda runs it, for the crash suite
 * (bench/crash/harness.ts), which may SIGKILL it at any of its kill points. Reads one job (a JSON
 * line) on standard input; writes one JSON line per kill point and waits for "go" before going on;
 * ends by writing the handler's answer and its published events, then waits for "go" once more
 * (the last kill point: after the work, before the message is acknowledged) and exits. It also
 * exits when its standard input closes, so it never outlives the harness.
 */
import { createInterface } from 'node:readline';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createEcsClient } from '../../shared/ecs/client.js';
import { handleCronBatch } from '../../shared/handlers/cron/handle.js';
import { DaemonMemory } from '../../shared/handlers/daemon/memory.js';
import { handleDaemonBatch } from '../../shared/handlers/daemon/handle.js';
import type { HandlerContext } from '../../shared/handlers/context.js';
import { RunLedger } from '../../shared/ledger/run-ledger.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import type { CronRule } from '../../shared/rules/cron/rule.js';
import { daemonKey, type DaemonRule } from '../../shared/rules/daemon/rule.js';
import { localDynamoClient } from '../../local/dynamo-client.js';
import { KILL_POINT, type CrashJob, type WorkerAnswer } from './protocol.js';

const lines = createInterface({ input: process.stdin });
const waiting: Array<(line: string) => void> = [];
const early: string[] = [];
lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : early.push(line)));
lines.on('close', () => process.exit(0));
const nextLine = () => new Promise<string>((resolve) => (early.length > 0 ? resolve(early.shift()!) : waiting.push(resolve)));

/** Says where the invocation is, and goes on only when the harness says so (or is killed here). */
async function point(name: string): Promise<void> {
  process.stdout.write(`${JSON.stringify({ point: name })}\n`);
  await nextLine();
}

/** Bundled as CommonJS, as the functions are (sql.js needs it): no top-level await. */
async function main(): Promise<void> {
  const job = JSON.parse(await nextLine()) as CrashJob;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';

  const ecs = createEcsClient({ endpoint: job.ecsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'crash', secretAccessKey: 'crash' }, maxAttempts: 3 });
  // Kill points around every call that changes the cluster: before it, while it is in flight, after its answer.
  ecs.middlewareStack.add(
    (next, { commandName }) =>
      async (args) => {
        const what = commandName === 'StartTaskCommand' || commandName === 'RunTaskCommand' ? 'start' : commandName === 'StopTaskCommand' ? 'stop' : undefined;
        if (!what) return next(args);
        await point(KILL_POINT.before(what));
        await point(KILL_POINT.during(what));
        try {
          return await next(args);
        } finally {
          await point(KILL_POINT.after(what));
        }
      },
    { step: 'initialize', name: 'crashKillPoints' },
  );

  // The deployed clock, compressed: waits pass at once (plus a moment for the emulator to move on).
  const startedAt = Date.now();
  let slept = 0;
  const now = () => new Date(job.clockMs + slept + (Date.now() - startedAt));
  const shared: Omit<HandlerContext, 'ecs'> = {
    publisher: new MemoryPublisher(),
    logger: new Logger({ serviceName: 'crash', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EcsSchedulersCrash' }),
    now,
    sleep: async (ms) => {
      slept += ms;
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
    },
    remainingTimeMs: () => job.functionTimeoutMs - (now().getTime() - job.clockMs),
  };
  const publisher = shared.publisher as MemoryPublisher;
  const messages = [{ messageId: job.messageId, body: job.body }];

  let answer: WorkerAnswer;
  try {
    if (job.kind === 'cron') {
      const rule = job.rule as CronRule;
      const ledger = new RunLedger(localDynamoClient(job.ledgerEndpoint!), job.ledgerTable!, { now });
      const response = await handleCronBatch(messages, { ...shared, ecs, rules: new Map([[rule.name, rule]]), ledger });
      answer = { failed: response.batchItemFailures.length > 0, events: publisher.events };
    } else {
      const rule = job.rule as DaemonRule;
      await handleDaemonBatch(messages, { ...shared, ecs, rule, memory: new DaemonMemory(daemonKey(rule)) });
      answer = { failed: false, events: publisher.events };
    }
  } catch (error) {
    // What Lambda does with a handler that throws: the whole batch comes back.
    answer = { failed: true, error: String(error), events: publisher.events };
  }
  process.stdout.write(`${JSON.stringify({ answer })}\n`);
  await point(KILL_POINT.beforeAck);
  process.exit(0);
}

void main();
