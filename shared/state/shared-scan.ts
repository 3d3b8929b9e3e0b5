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
  /**
   * The decision's clock, read when its turn comes: a decision queued behind others counts a
   * scan's age, and plans against its deadline, from then, not from when it asked.
   */
  now: () => Date;
  /**
   * The scan the decision's last attempt used (its Turn's `scan`): only a newer one will do. A
   * capacity retry must see capacity newer than what it last looked at, whoever made that scan.
   */
  after?: number;
  pacer?: ReadPacer;
}

/** What a decision learns of its turn beside the instances. */
export interface Turn {
  /** The clock once the decision's scan is at hand: what it plans with. */
  now: Date;
  /** Which scan it is given: a retry passes it back as `after`. */
  scan: number;
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

/** A scan, numbered in the order this function made them. */
interface NumberedScan {
  scan: InstanceScan;
  number: number;
}

interface ClusterEntry {
  scan: NumberedScan | undefined;
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
 *   re-read; a retry for capacity is never given the scan it last used (see `after`);
 * - a start whose answer was lost, a refused instance that could not be re-read, or a decision
 *   that failed make the next decision scan again: the view may hold capacity nobody recorded;
 * - a scan older than the bound when the decision's turn comes, or not newer than its `after`,
 *   is never used.
 * Tasks are not part of it: overlap and once-per-slot read each rule's own tasks fresh.
 */
export class SharedScans {
  private readonly maxAgeMs: number;
  private readonly clusters = new Map<string, ClusterEntry>();
  private scansMade = 0;

  constructor(options: SharedScansOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  }

  /**
   * Runs `decide` with the cluster's instances, after every earlier decision on the cluster has
   * ended, scanning first when no scan of this function may serve it.
   */
  async decide<T>(ecs: ECSClient, cluster: string, request: ScanRequest, decide: (scan: InstanceScan, turn: Turn) => Promise<Decision<T>>): Promise<T> {
    const entry = this.entry(cluster);
    const turn = entry.tail.then(() => this.take(entry, ecs, cluster, request, decide));
    entry.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take<T>(entry: ClusterEntry, ecs: ECSClient, cluster: string, request: ScanRequest, decide: (scan: InstanceScan, turn: Turn) => Promise<Decision<T>>): Promise<T> {
    const askedAt = request.now();
    if (!this.usable(entry.scan, askedAt, request.after)) {
      const scan = await scanInstances(ecs, cluster, { now: askedAt, ...(request.pacer && { pacer: request.pacer }) });
      this.scansMade += 1;
      entry.scan = { scan, number: this.scansMade };
    }
    const { scan, number } = entry.scan!;
    let decision: Decision<T>;
    try {
      decision = await decide(scan, { now: request.now(), scan: number });
    } catch (error) {
      entry.scan = undefined;
      throw error;
    }
    entry.scan = decision.stale ? undefined : { scan: { ...scan, instances: decision.instances }, number };
    return decision.value;
  }

  private usable(entry: NumberedScan | undefined, now: Date, after: number | undefined): entry is NumberedScan {
    if (!entry) return false;
    if (after !== undefined && entry.number <= after) return false;
    return now.getTime() - entry.scan.scannedAt.getTime() < this.maxAgeMs;
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
const DEFAULT_MAX_AGE_MS = 60_000;
