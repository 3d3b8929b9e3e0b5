import { createAdmin, type EmulatorAdmin } from './admin.js';
import { operations } from './api/index.js';
import { CallLog, type CallCounter } from './http/calls.js';
import { FaultInjector, type FailureRule } from './http/faults.js';
import { CallPipeline } from './http/pipeline.js';
import { serveJson } from './http/server.js';
import { Throttling } from './http/throttling.js';
import { attachStore } from './internal.js';
import { Random } from './random.js';
import type { EventListener } from './state/event-bus.js';
import { Store, type CompetitorHook } from './state/store.js';

export interface EmulatorOptions {
  /** Default 'us-east-1'. */
  region?: string;
  /** Default '123456789012'. */
  accountId?: string;
  /** Delay added to every API call, in milliseconds. Default 0. */
  latencyMs?: number;
  /** ECS's token buckets (cluster reads 100 burst + 20/s, task writes 100 burst + 40/s). Default false. */
  throttling?: boolean;
  /** Chance (0..1) that a call answers HTTP 500 ServerException. Default 0. */
  errorRate?: number;
  /** Seeds every random choice (RunTask placement, injected errors, ids, event ids). Default: random. */
  randomSeed?: number;
  /** Milliseconds since the epoch; drives timestamps and token refill. Default Date.now. */
  clock?: () => number;
}

export interface Emulator {
  /** 'http://127.0.0.1:PORT', for the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly region: string;
  /** Calls that reached the emulator, per operation, throttled and failed ones included. */
  readonly calls: CallCounter;
  setLatency(ms: number): void;
  setThrottling(on: boolean): void;
  setErrorRate(rate: number): void;
  /** Makes matching calls answer a 5xx ServerException until removed (or `times` calls). Returns the remover. */
  failCalls(rule: FailureRule): () => void;
  /** Runs inside StartTask for each target instance before its fit check, to steal capacity in between. */
  setCompetitor(hook: CompetitorHook | undefined): void;
  /**
   * Takes Fargate's capacity away (false) or gives it back (true), for FARGATE and FARGATE_SPOT or
   * one of them: meanwhile RunTask fails each Fargate task with ECS's "Capacity is unavailable at
   * this time..." reason in `failures[]`.
   */
  setFargateCapacity(available: boolean, provider?: 'FARGATE' | 'FARGATE_SPOT'): void;
  /** Subscribes to the events ECS sends to EventBridge; returns the unsubscriber. */
  onEvent(listener: EventListener): () => void;
  readonly admin: EmulatorAdmin;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? Date.now;
  const random = new Random(options.randomSeed ?? Math.floor(Math.random() * 2 ** 32));
  const store = new Store({ region, accountId: options.accountId ?? '123456789012', random, now: clock });
  const calls = new CallLog();
  const throttling = new Throttling(clock, options.throttling ?? false);
  const faults = new FaultInjector(random.fork('faults'), options.errorRate ?? 0);
  let latencyMs = checkLatency(options.latencyMs ?? 0);
  const pipeline = new CallPipeline({
    calls,
    throttling,
    faults,
    latencyMs: () => latencyMs,
    find: (operation) => {
      // hasOwn: a name such as "toString" must not reach Object.prototype.
      const answer = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      return answer && ((input) => answer(store, input));
    },
  });
  const http = await serveJson((operation, input) => pipeline.call(operation, input));

  const emulator: Emulator = {
    endpoint: http.url,
    region,
    calls,
    setLatency: (ms) => {
      latencyMs = checkLatency(ms);
    },
    setThrottling: (on) => throttling.setEnabled(on),
    setErrorRate: (rate) => faults.setErrorRate(rate),
    failCalls: (rule) => faults.add(rule),
    setCompetitor: (hook) => {
      store.competitor = hook;
    },
    setFargateCapacity: (available, provider) => {
      for (const name of provider ? [provider] : ['FARGATE', 'FARGATE_SPOT']) {
        if (available) store.fargateShortage.delete(name);
        else store.fargateShortage.add(name);
      }
    },
    onEvent: (listener) => store.events.subscribe(listener),
    admin: createAdmin(store),
    close: () => http.close(),
  };
  attachStore(emulator, store);
  return emulator;
}

function checkLatency(ms: number): number {
  if (!(ms >= 0)) throw new RangeError(`latencyMs must be zero or more, got ${ms}`);
  return ms;
}
