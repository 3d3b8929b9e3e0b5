import type { ECSClient } from '@aws-sdk/client-ecs';
import { scanInstances } from './load.js';
import type { ReadPacer } from './read-pacer.js';
import type { ContainerInstance, InstanceScan } from './types.js';

export interface SharedScansOptions {
  /** How old (from its start) a scan may be and still serve a decision. Default 60 s; 0 never reuses one. */
  maxAgeMs?: number;
}

/** What a decision asks of the scan it is given. */
export interface ScanRequest {
  /** The decision's clock: a scan's age is counted on it. */
  now: Date;
  /** Only a scan begun after this will do (a capacity retry must see capacity newer than its last look). */
  notBefore?: Date;
  pacer?: ReadPacer;
}

/** What a decision hands back: its answer, and what it learned about the instances. */
export interface Decision<T> {
  value: T;
  /** The instances as the decision left them: its reservations, and the instances it re-read after a refusal. */
  instances: readonly ContainerInstance[];
  /**
   * The view is in doubt: a start's answer was lost (it may have booked capacity unrecorded), or
   * an instance ECS refused could not be re-read. The next decision scans again.
   */
  stale: boolean;
}

interface ClusterEntry {
  scan: InstanceScan | undefined;
  /** The end of the queue of decisions on this cluster. */
  tail: Promise<unknown>;
}

/**
 * The container instances of each cluster, scanned once and reused by the decisions of one warm
 * function for a short while: the instance scan is the costly part of a load (two reads per 100
 * instances, from the account's shared read bucket), and the same for every rule of the cluster.
 *
 * Why reusing it is safe: ECS referees every StartTask against its own state, so a stale view
 * costs a refusal, never an over-commit. Within the bound:
 * - decisions on one cluster take turns, and each hands back its reservations: the next decision
 *   places against the instances with every earlier start of this function booked, as one
 *   decision does against its own snapshot;
 * - an instance ECS refused (another scheduler, or another warm instance of this function, took
 *   it) is re-read at once by the decision that was refused, and the next decision sees it as
 *   re-read; a retry for capacity scans anew (see `notBefore`);
 * - a start whose answer was lost, a refused instance that could not be re-read, or a decision
 *   that failed make the next decision scan again: the view may hold capacity nobody recorded;
 * - a scan older than the bound, or not newer than the decision's `notBefore`, is never used.
 * Tasks are not part of it: overlap and once-per-slot read each rule's own tasks fresh.
 */
export class SharedScans {
  private readonly maxAgeMs: number;
  private readonly clusters = new Map<string, ClusterEntry>();

  constructor(options: SharedScansOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  }

  /**
   * Runs `decide` with the cluster's instances, after every earlier decision on the cluster has
   * ended, scanning first when no scan of this function may serve it.
   */
  async decide<T>(ecs: ECSClient, cluster: string, request: ScanRequest, decide: (scan: InstanceScan) => Promise<Decision<T>>): Promise<T> {
    const entry = this.entry(cluster);
    const turn = entry.tail.then(() => this.take(entry, ecs, cluster, request, decide));
    entry.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take<T>(entry: ClusterEntry, ecs: ECSClient, cluster: string, request: ScanRequest, decide: (scan: InstanceScan) => Promise<Decision<T>>): Promise<T> {
    if (!this.usable(entry.scan, request)) {
      entry.scan = await scanInstances(ecs, cluster, { now: request.now, ...(request.pacer && { pacer: request.pacer }) });
    }
    const scan = entry.scan!;
    let decision: Decision<T>;
    try {
      decision = await decide(scan);
    } catch (error) {
      entry.scan = undefined;
      throw error;
    }
    entry.scan = decision.stale ? undefined : { ...scan, instances: decision.instances };
    return decision.value;
  }

  private usable(scan: InstanceScan | undefined, request: ScanRequest): scan is InstanceScan {
    if (!scan) return false;
    if (request.notBefore && scan.scannedAt <= request.notBefore) return false;
    return request.now.getTime() - scan.scannedAt.getTime() < this.maxAgeMs;
  }

  private entry(cluster: string): ClusterEntry {
    let entry = this.clusters.get(cluster);
    if (!entry) {
      entry = { scan: undefined, tail: Promise.resolve() };
      this.clusters.set(cluster, entry);
    }
    return entry;
  }
}

/**
 * A minute: slots that fire together (the top of the hour) arrive within seconds of each other
 * and share one scan, and an instance's attributes, which our constraints read and ECS does not
 * check, are never trusted for longer than that.
 */
export const DEFAULT_MAX_AGE_MS = 60_000;
