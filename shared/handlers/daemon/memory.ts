import type { InstanceEvent, TaskEvent } from '../../events/ecs-events.js';
import type { DaemonTrigger } from '../../events/triggers.js';
import type { Snapshot } from '../../state/snapshot.js';
import { TaskStatus } from '../../state/types.js';

const MAX_REMEMBERED_STOPS = 10_000;

interface SeenInstance {
  version: number;
  status: string;
  agentConnected: boolean;
  attributes: string;
}

/**
 * What the last reconcile of one daemon rule saw and did, kept in the warm Lambda between
 * invocations, so that events the last snapshot already covers cost no API calls. It only ever
 * saves work: a cold start knows nothing and reconciles, and the periodic sweep reconciles
 * whatever this says.
 *
 * An event needs a reconcile when it could change the plan:
 * - an instance that is new, or whose status, agent connection or attributes changed since the
 *   snapshot; a resource change alone (every task start and stop causes one) only matters on an
 *   instance still waiting for room for its copy;
 * - a copy of ours that stopped without our asking, or that we stopped to replace (a rollout's
 *   next step waits for it); during a rollout, a copy that reaches RUNNING (it frees budget);
 *   and a running copy we did not start (a duplicate);
 * - anything at all, after a reconcile in which an action failed (try again soon, not at the sweep).
 * Anything at or below the version the snapshot saw is covered by it.
 */
export class DaemonMemory {
  private instances = new Map<string, SeenInstance>();
  private copies = new Map<string, number>();
  private readonly stoppedByUs = new Set<string>();
  /** Instances that had no room, or refused a start: their next change may let a copy in. */
  private waitingForRoom = new Set<string>();
  private failedLastTime = false;
  /** Copies of an older task definition remain: each copy that reaches RUNNING frees rollout budget. */
  private rollingOut = false;
  private clusterArn: string | undefined;

  constructor(private readonly startedBy: string) {}

  /** Why this trigger needs a reconcile, or undefined when the last one covers it. */
  reasonToReconcile(trigger: DaemonTrigger): string | undefined {
    if (trigger.kind === 'sweep') return 'periodic sweep';
    if (this.clusterArn === undefined) return 'first event since start';
    const { event } = trigger;
    if (event.detail.clusterArn !== this.clusterArn) return undefined;
    if (this.failedLastTime) return 'an action failed in the last reconcile';
    return event['detail-type'] === 'ECS Task State Change' ? this.taskReason(event) : this.instanceReason(event);
  }

  /**
   * Learns from a reconcile: the snapshot it read, what it started, the stops whose STOPPED event
   * needs no reconcile (`quietStops`), the instances still waiting for room, and whether any
   * action failed.
   */
  remember(
    snapshot: Snapshot,
    outcome: { started: readonly string[]; quietStops: readonly string[]; waitingForRoom: readonly string[]; failed: boolean; rollingOut: boolean },
  ): void {
    const { started, quietStops: stopped } = outcome;
    this.rollingOut = outcome.rollingOut;
    this.waitingForRoom = new Set(outcome.waitingForRoom);
    this.failedLastTime = outcome.failed;
    this.clusterArn = snapshot.cluster.arn;
    this.instances = new Map(
      snapshot.instances().map((i) => [
        i.arn,
        { version: i.version, status: i.status, agentConnected: i.agentConnected, attributes: attributesKey([...i.attributes]) },
      ]),
    );
    this.copies = new Map(snapshot.tasks({ startedBy: this.startedBy }).map((t) => [t.arn, t.version]));
    for (const arn of started) this.copies.set(arn, 0);
    for (const arn of stopped) this.stoppedByUs.add(arn);
    // Their STOPPED events come soon after; keep only the most recent, in insertion order.
    for (const arn of this.stoppedByUs) {
      if (this.stoppedByUs.size <= MAX_REMEMBERED_STOPS) break;
      this.stoppedByUs.delete(arn);
    }
  }

  private instanceReason(event: InstanceEvent): string | undefined {
    const { detail } = event;
    const seen = this.instances.get(detail.containerInstanceArn);
    if (!seen) return detail.status === 'INACTIVE' ? undefined : `instance ${detail.containerInstanceArn} is new`;
    if (detail.version <= seen.version) return undefined;
    if (this.waitingForRoom.has(detail.containerInstanceArn)) return `instance ${detail.containerInstanceArn} changed while a copy waits for room`;
    if (detail.status !== seen.status) return `instance ${detail.containerInstanceArn} is now ${detail.status}`;
    if (detail.agentConnected !== seen.agentConnected) {
      return `instance ${detail.containerInstanceArn} agent ${detail.agentConnected ? 'reconnected' : 'disconnected'}`;
    }
    const attributes = attributesKey(detail.attributes.map((a) => [a.name, a.value]));
    if (attributes !== seen.attributes) return `instance ${detail.containerInstanceArn} attributes changed`;
    return undefined;
  }

  private taskReason(event: TaskEvent): string | undefined {
    const { detail } = event;
    if (detail.startedBy !== this.startedBy) return undefined;
    const seen = this.copies.get(detail.taskArn);
    if (detail.lastStatus === TaskStatus.Stopped) return this.stoppedByUs.has(detail.taskArn) ? undefined : `copy ${detail.taskArn} stopped`;
    // Still running but on its way out: its resources free up only at STOPPED, which comes next.
    if (detail.desiredStatus === TaskStatus.Stopped) return undefined;
    if (seen === undefined) return `copy ${detail.taskArn} was started by someone else`;
    return this.rollingOut ? `copy ${detail.taskArn} is running: the rollout can go on` : undefined;
  }
}

function attributesKey(attributes: Array<[string, string | undefined]>): string {
  return JSON.stringify(attributes.map(([name, value]) => [name, value ?? null]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}
