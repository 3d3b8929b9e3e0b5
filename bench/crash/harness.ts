import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  type RegisterTaskDefinitionCommandInput,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import { Random } from '../../emulator/random.js';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { EventPipeline } from '../../local/pipeline/event-pipeline.js';
import { createEcsClient } from '../../shared/ecs/client.js';
import { cronTimeouts, DAEMON_TIMEOUTS, type QueueTimeouts } from '../../shared/queues/timeouts.js';
import type { ResultEvent } from '../../shared/report/result-events.js';
import { DetailType } from '../../shared/report/vocabulary.js';
import { cronSlotKey, type CronRule } from '../../shared/rules/cron/rule.js';
import type { DaemonRule } from '../../shared/rules/daemon/rule.js';
import { bundleHandler } from '../../infra/bundling.js';
import { spawnEmulator, type EmulatorProcess } from '../emulator-process.js';
import { KILL_POINT, type CrashJob, type WorkerAnswer } from './protocol.js';

const CLUSTER = 'crash';
const SLOT = new Date('2026-03-01T02:00:00Z');

/** The crash cases: a daemon rule, cron rules of 1 and 20 copies, and a cron Replace. */
export const CASES = ['daemon', 'cron-1', 'cron-20', 'cron-replace', 'cron-fargate'] as const;
/** The cases also run as two invocations at once. */
const TWO_AT_ONCE = ['daemon', 'cron-1', 'cron-20', 'cron-fargate'] as const;
export type CaseName = (typeof CASES)[number];

/** What went wrong over a case's runs. Every figure but kills should be 0. */
export interface CaseFigures {
  runs: number;
  /** Invocations SIGKILLed. */
  kills: number;
  /** Copies started beyond a slot's count (cron), or live copies beyond one per instance at the end (daemon). */
  duplicates: number;
  /** Slots that ended with fewer than their count of live copies. */
  lostSlots: number;
  /** Slots with more live copies than their count at the end. */
  slotsAboveCount: number;
  /** Instances without a live daemon copy at the end. */
  uncoveredInstances: number;
  /** Failure reports of something that did not fail: a slot failed that has its copies, an instance without a copy that has one. */
  wrongFailureReports: number;
}

export interface CrashOptions {
  /** SIGKILLs in all, spread over the cases. */
  kills: number;
  /** Runs in which two invocations of one message run at once, per case that has them. */
  twoAtOnce: number;
  /** A share of StartTask and RunTask calls whose tasks start but whose answer is lost. */
  lostAnswers: number;
  instances: number;
  seed: number;
  /** Runs at once (each its own rule, message and clock). */
  parallel: number;
}

export interface CrashFigures {
  killed: Record<CaseName, CaseFigures>;
  /** Where the kills landed, per kill point (before-start, during-stop, before-ack, ...). */
  killedAt: Record<string, number>;
  twoAtOnce: Record<(typeof TWO_AT_ONCE)[number], CaseFigures>;
}

/**
 * The crash suite: real handlers, each invocation a child process (bench/crash/worker.ts), the
 * ECS emulator in a process of its own (losing a share of StartTask and RunTask answers), the run ledger on
 * dynalite, and the local FIFO queue with the stack's visibility timeout on a deployed-time
 * clock. Each killed run SIGKILLs its first invocation at a random kill point (before, during or
 * after a StartTask or StopTask, or after the work, before the message is acknowledged); the
 * queue then delivers the message again when the visibility timeout ends, as SQS would, until it
 * is acknowledged. Each two-at-once run starts two invocations of one message together. Then the
 * cluster and the reports are checked.
 */
export async function runCrashSuite(options: CrashOptions): Promise<CrashFigures> {
  // The worker runs bundled, as a function does: a process starts in a third of tsx's time.
  const dir = await mkdtemp(join(tmpdir(), 'crash-worker-'));
  bundleHandler(fileURLToPath(new URL('./worker.ts', import.meta.url)), dir);
  const worker = join(dir, 'index.js');
  const emulator = await spawnEmulator(['--cluster', CLUSTER, '--instances', String(options.instances), '--lose-start-answers', String(options.lostAnswers), '--seed', String(options.seed)]);
  const ledger = await startLocalLedger();
  const ecs = createEcsClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'crash', secretAccessKey: 'crash' } });
  const workers = new WorkerPool(worker, options.parallel);
  try {
    const random = new Random(options.seed);
    const suite = new Suite(ecs, emulator, ledger, workers);
    const killed = Object.fromEntries(CASES.map((name) => [name, emptyFigures()])) as CrashFigures['killed'];
    const twoAtOnce = Object.fromEntries(TWO_AT_ONCE.map((name) => [name, emptyFigures()])) as CrashFigures['twoAtOnce'];
    const runs: Array<() => Promise<void>> = [];
    for (let i = 0; i < options.kills; i += 1) {
      const name = CASES[i % CASES.length]!;
      const killAt = 1 + random.below(KILL_POINTS_ESTIMATE[name]);
      const delayMs = random.below(5);
      runs.push(() => suite.run(name, `k${i}`, { killAt, delayMs }, killed[name]));
    }
    for (let i = 0; i < options.twoAtOnce; i += 1) {
      for (const name of TWO_AT_ONCE) runs.push(() => suite.run(name, `t${i}`, 'two-at-once', twoAtOnce[name]));
    }
    await inParallel(runs, options.parallel);
    return { killed, killedAt: workers.killedAt, twoAtOnce };
  } finally {
    await workers.close();
    ecs.destroy();
    await ledger.close();
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Kill points a first invocation of each case roughly passes: the kill lands on one of them, at random (or on the last, before-ack). */
const KILL_POINTS_ESTIMATE: Record<CaseName, number> = { daemon: 8, 'cron-1': 4, 'cron-20': 8, 'cron-replace': 7, 'cron-fargate': 7 };

type Kill = { killAt: number; delayMs: number };

/** A task definition Fargate runs: awsvpc, with task-level size. */
const FARGATE_TASK: Omit<RegisterTaskDefinitionCommandInput, 'family'> = {
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'main', image: 'job' }],
};

class Suite {
  private instances: string[] | undefined;

  constructor(
    private readonly ecs: ECSClient,
    private readonly emulator: EmulatorProcess,
    private readonly ledger: LocalLedger,
    private readonly workers: WorkerPool,
  ) {}

  async run(name: CaseName, id: string, mode: Kill | 'two-at-once', figures: CaseFigures): Promise<void> {
    const family = `crash-${name}-${id}`;
    await this.ecs.send(new RegisterTaskDefinitionCommand(name === 'cron-fargate' ? { family, ...FARGATE_TASK } : { family, containerDefinitions: [{ name: 'main', image: 'job', cpu: 1, memory: 1 }] }));
    figures.runs += 1;
    if (name === 'daemon') {
      const rule: DaemonRule = { name: `${name}-${id}`, cluster: CLUSTER, taskDefinition: family };
      const body = JSON.stringify({ kind: 'sweep', rule: rule.name });
      const events = await this.deliver({ kind: 'daemon', rule, body }, DAEMON_TIMEOUTS, mode, figures);
      await this.checkDaemon(family, events, figures);
      return;
    }
    const rule: CronRule = {
      name: `${name}-${id}`,
      cluster: CLUSTER,
      taskDefinition: family,
      schedule: 'cron(0 * * * ? *)',
      count: name === 'cron-20' ? 20 : name === 'cron-fargate' ? 12 : 1,
      ...(name === 'cron-replace' && { overlapPolicy: 'Replace' as const }),
      // Two RunTask calls (10 and 2), each with its client token.
      ...(name === 'cron-fargate' && { launch: { type: 'fargate' as const, subnets: ['subnet-0123456789abcdef0'] } }),
    };
    if (name === 'cron-replace') await this.startOldRun(family, cronSlotKey(rule, new Date(SLOT.getTime() - 3_600_000)));
    const body = JSON.stringify({ kind: 'slot', rule: rule.name, slot: SLOT.toISOString() });
    const events = await this.deliver({ kind: 'cron', rule, body }, cronTimeouts(rule), mode, figures);
    await this.checkCron(rule, family, events, figures);
  }

  /**
   * Delivers one message through the local FIFO queue with the rule's visibility timeout until it
   * is acknowledged, moving the clock to each redelivery; returns the events every invocation
   * published. The first invocation is killed, or runs together with a second one.
   */
  private async deliver(base: Pick<CrashJob, 'kind' | 'rule' | 'body'>, timeouts: QueueTimeouts, mode: Kill | 'two-at-once', figures: CaseFigures): Promise<ResultEvent[]> {
    let clock = SLOT.getTime() + 1_000;
    const events: ResultEvent[] = [];
    let deliveries = 0;
    const job = (messageId: string): CrashJob => ({
      ...base,
      messageId,
      ecsEndpoint: this.emulator.endpoint,
      ledgerEndpoint: this.ledger.endpoint,
      ledgerTable: this.ledger.tableName,
      clockMs: clock,
      functionTimeoutMs: timeouts.functionSeconds * 1000,
    });
    const queue = new EventPipeline({
      patterns: [],
      batchSize: 1,
      deduplicationWindowMs: 0,
      visibilityTimeoutMs: timeouts.visibilitySeconds * 1000,
      maxReceiveCount: timeouts.maxReceiveCount,
      now: () => clock,
      handler: async ([message]) => {
        deliveries += 1;
        const together = deliveries === 1 && mode === 'two-at-once';
        const invocations = together ? [undefined, undefined] : [deliveries === 1 ? (mode as Kill) : undefined];
        // Two at once: both go on past their first StartTask only once both got there (or the other ended), so both decided from the same state.
        const barrier = together ? new Barrier(2) : undefined;
        const ended = await Promise.all(invocations.map((kill) => this.workers.invoke(job(message!.messageId), kill, barrier)));
        for (const end of ended) {
          if (end.killed) figures.kills += 1;
          events.push(...(end.answer?.events ?? []));
        }
        // Killed before its acknowledgement, or failed: the message comes back after its visibility timeout.
        if (ended.some((end) => end.killed || end.answer?.failed)) throw new Error('not acknowledged');
      },
    });
    queue.send(base.body, 'rule');
    for (;;) {
      await queue.drain();
      const next = queue.queue.nextVisibleAt();
      if (next === undefined) break;
      clock = next;
    }
    return events;
  }

  private async checkCron(rule: CronRule, family: string, events: ResultEvent[], figures: CaseFigures): Promise<void> {
    const key = cronSlotKey(rule, SLOT);
    const tasks = (await this.tasks(family)).filter((task) => task.startedBy === key);
    const live = tasks.filter((task) => task.desiredStatus === 'RUNNING').length;
    const count = rule.count ?? 1;
    figures.duplicates += Math.max(0, tasks.length - count);
    if (live > count) figures.slotsAboveCount += 1;
    if (live < count) figures.lostSlots += 1;
    const failed = events.filter((event) => event.detailType === DetailType.CronSlotFailed);
    if (live >= count) figures.wrongFailureReports += failed.length;
  }

  private async checkDaemon(family: string, events: ResultEvent[], figures: CaseFigures): Promise<void> {
    const live = (await this.tasks(family)).filter((task) => task.desiredStatus === 'RUNNING');
    const perInstance = new Map<string, number>();
    for (const task of live) perInstance.set(task.containerInstanceArn!, (perInstance.get(task.containerInstanceArn!) ?? 0) + 1);
    const instances = await this.clusterInstances();
    figures.uncoveredInstances += instances.filter((arn) => !perInstance.has(arn)).length;
    for (const copies of perInstance.values()) figures.duplicates += Math.max(0, copies - 1);
    for (const event of events) {
      if (event.detailType !== DetailType.DaemonPlacementFailed) continue;
      figures.wrongFailureReports += event.detail.instances.filter((instance) => perInstance.has(instance.containerInstanceArn)).length;
    }
  }

  /** The family's tasks, running and stopped, as ECS describes them. */
  private async tasks(family: string): Promise<Task[]> {
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await this.ecs.send(new ListTasksCommand({ cluster: CLUSTER, family, desiredStatus, nextToken }));
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const tasks: Task[] = [];
    for (let i = 0; i < arns.length; i += 100) tasks.push(...((await this.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns.slice(i, i + 100) }))).tasks ?? []));
    return tasks;
  }

  private async clusterInstances(): Promise<string[]> {
    this.instances ??= (await this.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns ?? [];
    return this.instances;
  }

  /** The run Replace is to stop: one copy of the previous slot, started as the rule would have. */
  private async startOldRun(family: string, startedBy: string): Promise<void> {
    const [instance] = await this.clusterInstances();
    // This start may lose its answer too: look before trying again, as the scheduler does.
    while (!(await this.tasks(family)).some((task) => task.startedBy === startedBy)) {
      await this.ecs.send(new StartTaskCommand({ cluster: CLUSTER, taskDefinition: family, containerInstances: [instance!], startedBy })).catch(() => undefined);
    }
  }
}

interface Ended {
  killed: boolean;
  answer?: WorkerAnswer;
}

/** Worker processes, spawned ahead so their start-up overlaps the runs. */
class WorkerPool {
  private readonly spares: Array<ReturnType<typeof spawnWorker>> = [];
  private closed = false;
  readonly killedAt: Record<string, number> = {};

  constructor(
    private readonly bundle: string,
    size: number,
  ) {
    for (let i = 0; i < size; i += 1) this.spares.push(spawnWorker(bundle));
  }

  /**
   * One invocation in a fresh process; SIGKILLed at its `kill.killAt`-th kill point, if given; held
   * at its first StartTask at the `barrier`, if given.
   */
  invoke(job: CrashJob, kill: Kill | undefined, barrier?: Barrier): Promise<Ended> {
    const child = this.spares.shift() ?? spawnWorker(this.bundle);
    if (!this.closed) this.spares.push(spawnWorker(this.bundle));
    return new Promise((resolve) => {
      let points = 0;
      let killed = false;
      let waited = false;
      let answer: WorkerAnswer | undefined;
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const message = JSON.parse(line) as { point?: string; answer?: WorkerAnswer };
        if (message.answer) {
          answer = message.answer;
          return;
        }
        points += 1;
        const last = message.point === KILL_POINT.beforeAck;
        if (barrier && !waited && message.point === KILL_POINT.before('start')) {
          waited = true;
          void barrier.arrive().then(() => child.stdin.write('go\n'));
          return;
        }
        if (!kill || killed || (points < kill.killAt && !last)) {
          child.stdin.write('go\n');
          return;
        }
        killed = true;
        this.killedAt[message.point!] = (this.killedAt[message.point!] ?? 0) + 1;
        if (message.point?.startsWith('during-')) {
          // Let the request go out, then kill while it is in flight (or just about to be).
          child.stdin.write('go\n');
          setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
        } else child.kill('SIGKILL');
      });
      child.once('exit', () => {
        if (!waited) barrier?.leave();
        resolve({ killed, answer });
      });
      child.stdin.write(`${JSON.stringify(job)}\n`);
    });
  }

  /** Ends the spare workers, and waits until they have exited (their bundle is removed next). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.spares.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.stdin.end();
          }),
      ),
    );
  }
}

/** Lets its parties go once all have arrived; a party that ends without arriving no longer counts. */
class Barrier {
  private arrived = 0;
  private open: () => void = () => undefined;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));

  constructor(private parties: number) {}

  arrive(): Promise<void> {
    this.arrived += 1;
    if (this.arrived >= this.parties) this.open();
    return this.opened;
  }

  leave(): void {
    this.parties -= 1;
    if (this.arrived >= this.parties) this.open();
  }
}

function spawnWorker(bundle: string) {
  // The worker exits when its standard input closes, so it dies with the harness.
  // Node 20 is what the machines have; the SDK's warning about it would repeat for every worker.
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  return spawn(process.execPath, [bundle], { stdio: ['pipe', 'pipe', 'inherit'], env });
}

async function inParallel(runs: ReadonlyArray<() => Promise<void>>, parallel: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < runs.length) await runs[next++]!();
    }),
  );
}

function emptyFigures(): CaseFigures {
  return { runs: 0, kills: 0, duplicates: 0, lostSlots: 0, slotsAboveCount: 0, uncoveredInstances: 0, wrongFailureReports: 0 };
}
