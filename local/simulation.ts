import type { ECSClient } from '@aws-sdk/client-ecs';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { startEmulator, type Emulator } from '../emulator/index.js';
import type { SchedulerConfig } from '../shared/config/index.js';
import { createEcsClient } from '../shared/ecs/client.js';
import { copyLifecyclePattern, instanceEventsPattern, matchesPattern, runEndsPattern } from '../shared/events/patterns.js';
import type { HandlerClock, HandlerContext } from '../shared/handlers/context.js';
import { handleCronBatch, type CronContext } from '../shared/handlers/cron/handle.js';
import { slotMessage } from '../shared/handlers/cron/messages.js';
import { handleDaemonBatch, type DaemonContext } from '../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../shared/handlers/daemon/memory.js';
import type { ResultEvent } from '../shared/report/result-events.js';
import { CapturingLogger, type LogEntry } from '../cli/telemetry.js';
import { overduePassMinutes } from '../shared/rules/cron/overdue-pass.js';
import { cronRulePrefix } from '../shared/rules/cron/rule.js';
import { seedFrom } from '../shared/placement/random.js';
import { daemonKey, type DaemonRule } from '../shared/rules/daemon/rule.js';
import { parseSchedule, slotsBetween, type Schedule } from '../shared/schedule/index.js';
import { TaskStatus } from '../shared/state/types.js';
import { seedForConfig, type LocalHints } from './config-cluster.js';
import { startLocalLedger, type LocalLedger } from './ledger.js';
import { LivePublisher } from './live-publisher.js';
import { EventPipeline } from './pipeline/event-pipeline.js';
import { CRON_RUNNER_BATCH, cronRunnerTimeouts, DAEMON_TIMEOUTS, MAX_RECEIVE_COUNT } from '../shared/queues/timeouts.js';
import { SharedScans } from '../shared/state/shared-scan.js';
import { settle } from './pipeline/settle.js';
import { scenario, type Happening } from './scenario.js';

export interface SimulationOptions {
  config: SchedulerConfig;
  /** The config file's `local` export: task definition sizes. */
  hints: LocalHints;
  /** Instances per cluster of the config. */
  instances: number;
  /** Simulated wall-clock start; the clock then moves a minute per step. */
  startAt: Date;
  onEvent: (event: ResultEvent, now: Date) => void;
  onHappening: (happening: Happening, now: Date) => void;
  /** The handlers' warnings and errors: in AWS they are in CloudWatch Logs, here the user must see them. */
  onLog: (entry: LogEntry, now: Date) => void;
}

const SHOWN_LEVELS = new Set(['WARN', 'ERROR', 'CRITICAL']);

/** How long each cron job "runs" in the simulation before its container exits. */
const JOB_MINUTES: Readonly<Record<string, number>> = { 'nightly-report': 90, 'cache-warmer': 4 };
/** Jobs whose container sometimes exits non-zero (one run in this many), so retries and failures show. */
const FLAKY_JOBS: Readonly<Record<string, number>> = { 'cache-warmer': 4 };

/**
 * A config against an emulated cluster, on a simulated clock: the emulator and the
 * handlers read the same clock, which moves a minute per step, so hours pass in seconds. Each
 * step fires what the cloud would fire in that minute (cron slots, overdue passes, daemon sweeps,
 * the scenario's happenings), ends the cron jobs whose time is up, and lets the pipelines and the
 * emulator settle. Everything goes through the same code as in AWS: event patterns, FIFO queues,
 * handlers, snapshot, rules, placement, apply.
 */
export class Simulation {
  readonly publisher: LivePublisher;
  readonly instances: string[] = [];
  /** What the set-up did that the user should know before the first decision: sizes, unmatched constraints. */
  readonly notes: string[] = [];
  readonly slotsFired = new Map<string, Date[]>();
  private emulator!: Emulator;
  private nowMs: number;
  private readonly clients: ECSClient[] = [];
  private readonly pipelines: EventPipeline[] = [];
  private readonly daemonQueues = new Map<string, EventPipeline>();
  private cronQueue!: EventPipeline;
  private readonly schedules = new Map<string, Schedule>();
  private local!: LocalLedger;
  private happenings: Happening[] = [];
  private minute = 0;

  private constructor(private readonly options: SimulationOptions) {
    this.nowMs = options.startAt.getTime();
    this.publisher = new LivePublisher((event) => options.onEvent(event, this.now()));
  }

  static async start(options: SimulationOptions): Promise<Simulation> {
    const simulation = new Simulation(options);
    await simulation.setUp();
    return simulation;
  }

  get cluster(): string {
    return Object.keys(this.options.config.clusters)[0]!;
  }

  get ecs(): Emulator {
    return this.emulator;
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  /** One simulated minute. */
  async step(): Promise<void> {
    const before = this.now();
    this.minute += 1;
    this.nowMs += 60_000;
    for (const happening of this.happenings.filter((h) => h.minute === this.minute)) {
      this.options.onHappening(happening, this.now());
      happening.act(this.emulator, this.cluster);
    }
    this.endFinishedJobs();
    for (const daemon of this.options.config.daemons ?? []) {
      if (this.minute % (daemon.sweepIntervalMinutes ?? 5) === 0) this.daemonQueues.get(daemon.name)!.send(JSON.stringify({ kind: 'sweep', rule: daemon.name, at: this.now().toISOString() }));
    }
    for (const cron of this.options.config.crons ?? []) {
      for (const slot of slotsBetween(this.schedules.get(cron.name)!, before, this.now())) {
        this.slotsFired.get(cron.name)!.push(slot);
        this.cronQueue.send(JSON.stringify(slotMessage(cron, slot.toISOString())), cron.name);
      }
      if (cron.maxRunSeconds !== undefined && this.minute % overduePassMinutes(cron.maxRunSeconds) === 0) {
        this.cronQueue.send(JSON.stringify({ kind: 'overdue', rule: cron.name }), cron.name);
      }
      if (cron.retries) this.cronQueue.send(JSON.stringify({ kind: 'retries', rule: cron.name, at: this.now().toISOString() }), cron.name);
    }
    await this.settle();
  }

  async stop(): Promise<void> {
    for (const pipeline of this.pipelines) pipeline.disconnect();
    for (const client of this.clients) client.destroy();
    await this.emulator.close();
    await this.local.close();
  }

  private async setUp(): Promise<void> {
    const { config } = this.options;
    this.emulator = await startEmulator({ randomSeed: 7, clock: () => this.nowMs });
    const seeded = seedForConfig(this.emulator, { config, hints: this.options.hints, clusters: Object.keys(config.clusters), instances: this.options.instances, registeredAt: this.now() });
    this.notes.push(...seeded.notes);
    const clusterArns = new Map(seeded.clusters.map((cluster) => [cluster.name, cluster.arn] as const));
    // The happenings (joins, drains, a dying copy) befall the first cluster.
    const first = seeded.clusters[0]!;
    this.instances.push(...first.instances);
    const daemon = config.daemons?.find((rule) => rule.cluster === first.name);
    this.happenings = scenario(this.instances, this.options.startAt, first.attributes, daemon && daemonKey(daemon));

    // Metrics are for CloudWatch; here the result events are the output, with warnings and errors.
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const logger = new CapturingLogger((entry) => SHOWN_LEVELS.has(entry.level) && this.options.onLog(entry, this.now()));
    const telemetry = { logger, metrics: new Metrics({ namespace: 'EcsSchedulersLocal' }) };
    const shared = { ...telemetry, ...this.clock(), publisher: this.publisher };

    for (const daemon of config.daemons ?? []) this.addDaemon(daemon, clusterArns.get(daemon.cluster)!, shared);
    const crons = config.crons ?? [];
    for (const cron of crons) {
      this.schedules.set(cron.name, parseSchedule(cron.schedule, cron.timeZone, { anchor: this.options.startAt }));
      this.slotsFired.set(cron.name, []);
    }
    this.local = await startLocalLedger({ now: () => this.now() });
    const context: CronContext = {
      ...shared,
      rules: new Map(crons.map((cron) => [cron.name, cron] as const)),
      ecs: this.client(),
      ledger: this.local.ledger,
      instanceScans: new SharedScans(),
    };
    // One queue for the cron rules, a message group per rule, as the deployed schedules send, and
    // received as a cluster's runner receives its own: batches over the groups, a few at once.
    // The stack's own timeouts (its runner's, which follow the cluster's longest rule): a failed
    // or crashed slot comes back when it would in AWS.
    const timeouts = new Map(crons.map((cron) => [cron.name, cronRunnerTimeouts(crons.filter((other) => other.cluster === cron.cluster))] as const));
    this.cronQueue = new EventPipeline({
      patterns: [],
      handler: (messages, deleteEarly) => handleCronBatch(messages, { ...context, deleteEarly }),
      batchSize: CRON_RUNNER_BATCH.batchSize,
      concurrency: CRON_RUNNER_BATCH.maxConcurrency,
      mixGroups: true,
      visibilityTimeoutMs: (group) => timeouts.get(group)!.visibilitySeconds * 1000,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      now: () => this.nowMs,
    });
    this.pipelines.push(this.cronQueue);
    // Each rule's EventBridge rule sends its copies' STOPPED events to the queue, in the rule's group.
    const runEnds = crons.map((cron) => ({ name: cron.name, pattern: runEndsPattern(clusterArns.get(cron.cluster)!, cronRulePrefix(cron)) }));
    this.emulator.onEvent((event) => {
      for (const { name, pattern } of runEnds) if (matchesPattern(pattern, event)) this.cronQueue.send(JSON.stringify(event), name);
    });
    await this.settle();
  }

  private addDaemon(rule: DaemonRule, clusterArn: string, shared: Omit<HandlerContext, 'ecs'>): void {
    const context: DaemonContext = { ...shared, rule, ecs: this.client(), memory: new DaemonMemory(daemonKey(rule)) };
    const queue = new EventPipeline({
      patterns: [instanceEventsPattern(clusterArn), copyLifecyclePattern(clusterArn, daemonKey(rule))],
      groupId: clusterArn,
      handler: (messages) => handleDaemonBatch(messages, context),
      visibilityTimeoutMs: DAEMON_TIMEOUTS.visibilitySeconds * 1000,
      maxReceiveCount: DAEMON_TIMEOUTS.maxReceiveCount,
      now: () => this.nowMs,
    }).connect(this.emulator);
    this.daemonQueues.set(rule.name, queue);
    this.pipelines.push(queue);
  }

  /** The handlers' clock is the simulated one: a capacity retry's wait moves it. */
  private clock(): HandlerClock {
    return {
      now: () => this.now(),
      sleep: async (ms) => {
        this.nowMs += ms;
      },
      remainingTimeMs: () => 900_000,
    };
  }

  private client(): ECSClient {
    const client = createEcsClient({ endpoint: this.emulator.endpoint, region: this.emulator.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    this.clients.push(client);
    return client;
  }

  /** A cron job's container exits once its time is up. */
  private endFinishedJobs(): void {
    const tasks = Object.keys(this.options.config.clusters).flatMap((cluster) => this.emulator.admin.listTasks(cluster, { desiredStatus: TaskStatus.Running }));
    for (const task of tasks) {
      const rule = task.startedBy?.startsWith('cron/') ? task.startedBy.split('/')[1]! : undefined;
      if (!rule || !task.startedAt) continue;
      const minutes = JOB_MINUTES[rule] ?? 5;
      if (this.nowMs - task.startedAt.getTime() < minutes * 60_000) continue;
      const flaky = FLAKY_JOBS[rule];
      const exitCode = flaky !== undefined && seedFrom(task.arn) % flaky === 0 ? 1 : 0;
      this.emulator.admin.stopTask(task.arn, 'Essential container in task exited', exitCode);
    }
  }

  private settle(): Promise<void> {
    return settle(this.emulator, this.pipelines);
  }
}

