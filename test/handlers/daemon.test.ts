import { DescribeTasksCommand, StartTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { instanceEventsPattern, copyLifecyclePattern } from '../../shared/events/patterns.js';
import { seededRandom } from '../../shared/placement/random.js';
import { systemClock } from '../../shared/handlers/context.js';
import { handleDaemonBatch, RECONCILE_RESERVE_MS, type DaemonContext } from '../../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../../shared/handlers/daemon/memory.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { daemonKey, type DaemonRule } from '../../shared/rules/daemon/rule.js';
import { EventPipeline } from '../../local/pipeline/event-pipeline.js';
import { settle } from '../../local/pipeline/settle.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics, silentLogger } from '../support/telemetry.js';
import { holdStartsUntilAllArrive } from '../support/race.js';
import { stopOnlyTasksTagged } from '../support/iam.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 11 });
});
afterAll(() => emulator.close());
afterEach(() => emulator.calls.reset());

let clusters = 0;
/** A cluster with `count` instances and the daemon's task definition, and a rule for it. */
function fleet(count: number, rule: Partial<DaemonRule> = {}) {
  clusters += 1;
  const name = `fleet-${clusters}`;
  const clusterArn = emulator.admin.createCluster(name);
  emulator.admin.registerTaskDefinition({
    family: 'node-exporter',
    networkMode: 'host',
    containerDefinitions: [{ name: 'exporter', image: 'prom/node-exporter', cpu: 128, memory: 128, portMappings: [{ containerPort: 9100 }] }],
  });
  // No host port: nothing on ECS's side stops a second copy on one instance.
  emulator.admin.registerTaskDefinition({
    family: 'log-shipper',
    containerDefinitions: [{ name: 'shipper', image: 'fluent/fluent-bit', cpu: 64, memory: 64 }],
  });
  const instances = Array.from({ length: count }, () => addInstance(name));
  const daemon: DaemonRule = { name: `exporter-${clusters}`, cluster: name, taskDefinition: 'node-exporter', ...rule };
  return { name, clusterArn, instances, rule: daemon };
}

function addInstance(cluster: string, size = { cpu: 2048, memory: 4096 }): string {
  return emulator.admin.registerInstance({ cluster, ...size });
}

function context(rule: DaemonRule, maxAttempts?: number): DaemonContext & { publisher: MemoryPublisher; metrics: CapturingMetrics } {
  return {
    rule,
    ecs: schedulerClient(emulator, maxAttempts),
    memory: new DaemonMemory(daemonKey(rule)),
    publisher: new MemoryPublisher(),
    logger: silentLogger(),
    metrics: new CapturingMetrics(),
    // The emulator here keeps real time, and the daemon never waits.
    ...systemClock,
    remainingTimeMs: () => 900_000,
  };
}

/** The pipeline the deployed construct builds: the rule's two event patterns into a FIFO queue into the handler. */
function pipeline(clusterArn: string, rule: DaemonRule, ctx: DaemonContext) {
  const reconciles: string[] = [];
  const events = new EventPipeline({
    patterns: [instanceEventsPattern(clusterArn), copyLifecyclePattern(clusterArn, daemonKey(rule))],
    groupId: clusterArn,
    handler: async (messages) => {
      const outcome = await handleDaemonBatch(messages, ctx);
      if (outcome.reconciled) reconciles.push(outcome.reconciled);
      return outcome;
    },
  }).connect(emulator);
  return { events, reconciles };
}

function quiesce(events: EventPipeline): Promise<void> {
  return settle(emulator, [events]);
}

function copiesByInstance(cluster: string, rule: DaemonRule, desired: 'RUNNING' | 'STOPPED' | 'any' = 'RUNNING') {
  const copies = new Map<string | undefined, string[]>();
  for (const task of emulator.admin.listTasks(cluster, { startedBy: daemonKey(rule) })) {
    if (desired !== 'any' && task.desiredStatus !== desired) continue;
    copies.set(task.containerInstanceArn, [...(copies.get(task.containerInstanceArn) ?? []), task.arn]);
  }
  return copies;
}

function shuffle(random: () => number) {
  return (events: unknown[]) => {
    const copy = [...events];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
}

describe('daemon handler through the local event pipeline', () => {
  it('covers a scale-out of 200 instances, delivered shuffled and partly duplicated, with one copy each and few reconciles', async () => {
    const { name, clusterArn, rule } = fleet(10);
    const ctx = context(rule);
    const { events, reconciles } = pipeline(clusterArn, rule, ctx);
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);
    expect(copiesByInstance(name, rule).size).toBe(10);

    events.hold();
    const added = Array.from({ length: 200 }, () => addInstance(name));
    await emulator.admin.settle();
    const random = seededRandom(5);
    const released = events.release({ shuffle: shuffle(random), duplicate: () => random() < 0.2 });
    expect(released).toBe(200);
    emulator.calls.reset();
    const reconcilesBefore = reconciles.length;
    await quiesce(events);

    const copies = copiesByInstance(name, rule);
    expect(copies.size).toBe(210);
    expect([...copies.values()].every((list) => list.length === 1)).toBe(true);
    expect(added.every((arn) => copies.has(arn))).toBe(true);
    // Zero duplicates: every copy ever started is still running.
    expect(emulator.admin.listTasks(name, { startedBy: daemonKey(rule) })).toHaveLength(210);
    // Our own 200 starts caused 200 resource-change events; none of them set off a reconcile.
    const scaleOutReconciles = reconciles.length - reconcilesBefore;
    expect(scaleOutReconciles).toBeGreaterThanOrEqual(1);
    expect(scaleOutReconciles).toBeLessThanOrEqual(5);
    expect(events.stats.batches).toBeGreaterThan(20);
    expect(emulator.calls.count('StartTask')).toBe(20);
    expect(emulator.calls.total()).toBeLessThan(60 * scaleOutReconciles);
    expect(ctx.publisher.events.filter((e) => e.detailType === 'Daemon Reconciled').length).toBeGreaterThanOrEqual(1);
    expect(ctx.metrics.last('Desired')).toBe(210);
  });

  it('rolls out a new revision through events alone, never more than maxUnavailable instances without a running copy', async () => {
    const { name, clusterArn, rule } = fleet(4);
    const ctx = context(rule);
    const worst = { unavailable: 0 };
    const events = new EventPipeline({
      patterns: [instanceEventsPattern(clusterArn), copyLifecyclePattern(clusterArn, daemonKey(rule))],
      groupId: clusterArn,
      handler: async (messages) => {
        const outcome = await handleDaemonBatch(messages, ctx);
        // After every batch, count the instances left without a RUNNING copy.
        const running = new Set(
          emulator.admin.listTasks(name, { startedBy: daemonKey(rule), lastStatus: 'RUNNING' }).filter((t) => t.desiredStatus === 'RUNNING').map((t) => t.containerInstanceArn),
        );
        worst.unavailable = Math.max(worst.unavailable, emulator.admin.listInstances(name).filter((i) => !running.has(i.arn)).length);
        return outcome;
      },
    }).connect(emulator);
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);
    worst.unavailable = 0;

    const v2 = emulator.admin.registerTaskDefinition({
      family: 'node-exporter',
      networkMode: 'host',
      containerDefinitions: [{ name: 'exporter', image: 'prom/node-exporter:v2', cpu: 128, memory: 128, portMappings: [{ containerPort: 9100 }] }],
    });
    // One sweep starts the rollout; every later step is set off by the copies' own events.
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name, at: 'rollout' }));
    await quiesce(events);

    const running = emulator.admin.listTasks(name, { startedBy: daemonKey(rule), desiredStatus: 'RUNNING' });
    expect(running).toHaveLength(4);
    expect(running.every((task) => task.taskDefinitionArn === v2)).toBe(true);
    expect(worst.unavailable).toBe(1);
  });

  it('replaces a copy that died, and reports nothing for its own starts', async () => {
    const { name, clusterArn, rule } = fleet(3);
    const ctx = context(rule);
    const { events, reconciles } = pipeline(clusterArn, rule, ctx);
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);
    const [victim] = [...copiesByInstance(name, rule).values()].map((list) => list[0]!);

    reconciles.length = 0;
    emulator.admin.stopTask(victim!, 'Essential container in task exited');
    await quiesce(events);

    expect(reconciles).toEqual([`copy ${victim} stopped`]);
    const copies = copiesByInstance(name, rule);
    expect(copies.size).toBe(3);
    expect([...copies.values()].flat()).not.toContain(victim);
    // Through ECS's own API, as IAM sees them: the replacement, like every copy, names its rule.
    const described = await schedulerClient(emulator).send(new DescribeTasksCommand({ cluster: name, tasks: [...copies.values()].flat(), include: ['TAGS'] }));
    expect(described.tasks!.map((task) => task.tags)).toEqual([1, 2, 3].map(() => [{ key: 'ecs-schedulers:rule', value: daemonKey(rule) }]));
  });

  it('drops malformed and foreign messages without failing the batch', async () => {
    const { clusterArn, rule } = fleet(2);
    const ctx = context(rule);
    const { events, reconciles } = pipeline(clusterArn, rule, ctx);
    events.send('{not json');
    events.send(JSON.stringify({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} }));
    events.send(JSON.stringify({ source: 'aws.ecs', 'detail-type': 'ECS Task State Change', detail: { taskArn: 42 } }));
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);

    expect(events.stats.failedBatches).toBe(0);
    expect(events.queue.deadLetters).toEqual([]);
    expect(reconciles).toEqual(['periodic sweep']);
  });

  it('retries a reconcile that fails for a reason a person must fix, and ends in the dead-letter queue, never vanishing', async () => {
    const { clusterArn, rule } = fleet(2);
    const ctx = context(rule, 2);
    const { events } = pipeline(clusterArn, rule, ctx);
    const remove = emulator.failCalls({ operation: 'ListContainerInstances', error: { type: 'AccessDeniedException', message: 'not authorized to perform: ecs:ListContainerInstances' } });
    try {
      events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
      await quiesce(events);
    } finally {
      remove();
    }
    // Three receives (maxReceiveCount), then the whole batch, the sweep among it, is in the DLQ.
    expect(events.stats.failedBatches).toBe(3);
    expect(events.queue.deadLetters.map((m) => JSON.parse(m.body))).toContainEqual({ kind: 'sweep', rule: rule.name });
    expect(events.queue.depth).toBe(0);
  });

  it('tries a reconcile that fails on ECS errors again within the function\'s time: the batch succeeds', async () => {
    const { name, clusterArn, rule } = fleet(2);
    const ctx = { ...context(rule, 1), sleep: () => Promise.resolve() };
    const { events, reconciles } = pipeline(clusterArn, rule, ctx);
    emulator.failCalls({ operation: 'ListContainerInstances', times: 3, status: 503 });
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);

    expect(events.stats.failedBatches).toBe(0);
    expect(reconciles).toEqual(['periodic sweep']);
    expect(copiesByInstance(name, rule).size).toBe(2);
  });

  it('ECS errors past the function\'s time: the batch comes back, and at its last receive is left to the sweep, not dead-lettered', async () => {
    const { name, clusterArn, rule } = fleet(2);
    // No time for a second reconcile in any invocation.
    const ctx = { ...context(rule, 1), sleep: () => Promise.resolve(), remainingTimeMs: () => RECONCILE_RESERVE_MS };
    const { events, reconciles } = pipeline(clusterArn, rule, ctx);
    const remove = emulator.failCalls({ operation: 'ListContainerInstances', status: 503 });
    try {
      events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
      await quiesce(events);
    } finally {
      remove();
    }
    expect(events.stats.failedBatches).toBe(2);
    expect(events.queue.deadLetters).toEqual([]);
    expect(events.queue.depth).toBe(0);
    expect(ctx.metrics.lastNames()).toEqual(['ReconcilesFailed']);

    // The next sweep heals.
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name, at: 'later' }));
    await quiesce(events);
    expect(reconciles).toEqual(['periodic sweep']);
    expect(copiesByInstance(name, rule).size).toBe(2);
  });

  it('reports instances that cannot take a copy, naming each and the reason', async () => {
    const { name, clusterArn, rule } = fleet(1);
    const small = addInstance(name, { cpu: 64, memory: 4096 });
    const ctx = context(rule);
    const { events } = pipeline(clusterArn, rule, ctx);
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);

    const failed = ctx.publisher.events.find((e) => e.detailType === 'Daemon Placement Failed');
    expect(failed?.detail).toEqual({ rule: rule.name, cluster: clusterArn, instances: [expect.objectContaining({ containerInstanceArn: small, reason: 'RESOURCE:CPU' })] });
    expect(ctx.metrics.last('FailedToPlace')).toBe(1);
  });

  it('two invocations at once (serialization failed): each checks after starting, and no duplicate outlives them', async () => {
    const { name, rule } = fleet(6, { taskDefinition: 'log-shipper' });
    const sweep = [{ messageId: 'a', body: JSON.stringify({ kind: 'sweep', rule: rule.name }) }];
    // Hold each invocation's StartTask until both have reached it: both decided from the same state,
    // so both start a copy everywhere. (A daemon with a static host port, like node-exporter, is
    // protected by ECS itself: the second copy would fail with RESOURCE:PORTS.)
    const first = context(rule);
    const second = context(rule);
    holdStartsUntilAllArrive([first.ecs, second.ecs]);
    await Promise.all([handleDaemonBatch(sweep, first), handleDaemonBatch(sweep, second)]);
    await emulator.admin.settle();

    const byAge = (list: string[]) =>
      [...list].sort((a, b) => emulator.admin.describeTask(a).createdAt.getTime() - emulator.admin.describeTask(b).createdAt.getTime() || a.localeCompare(b));
    const everyCopy = new Map<string | undefined, string[]>();
    for (const state of ['RUNNING', 'STOPPED'] as const) {
      for (const [instance, list] of copiesByInstance(name, rule, state)) everyCopy.set(instance, [...(everyCopy.get(instance) ?? []), ...list]);
    }
    expect([...everyCopy.values()].map((list) => list.length)).toEqual([2, 2, 2, 2, 2, 2]);
    // Before the next reconcile: one copy per instance, the oldest, and the newer one stopped.
    const after = copiesByInstance(name, rule);
    expect(after.size).toBe(6);
    for (const [instance, list] of after) expect(list).toEqual([byAge(everyCopy.get(instance)!)[0]]);
    const reported = [...first.publisher.events, ...second.publisher.events].filter((e) => e.detailType === 'Daemon Reconciled');
    const stops = reported.flatMap((e) => (e.detail as { stopped: Array<{ reason: string }> }).stopped);
    expect(stops.length).toBeGreaterThanOrEqual(6);
    for (const stop of stops) expect(stop.reason).toMatch(/duplicate copy started by a concurrent reconcile, keeping the oldest/);
  });
});

describe('daemon: a StartTask whose answer was lost', () => {
  it('is settled by a re-read in the same invocation: the copies that started are reported started, never as placement failures', async () => {
    const { name, rule } = fleet(4);
    emulator.failCalls({ operation: 'StartTask', times: 1, answerLost: true });
    const ctx = context(rule);
    await handleDaemonBatch([{ messageId: 'a', body: JSON.stringify({ kind: 'sweep', rule: rule.name }) }], ctx);
    await emulator.admin.settle();

    expect(copiesByInstance(name, rule).size).toBe(4);
    expect(ctx.publisher.events.filter((e) => e.detailType === 'Daemon Placement Failed')).toEqual([]);
    const [reconciled] = ctx.publisher.events.filter((e) => e.detailType === 'Daemon Reconciled');
    const detail = reconciled!.detail as { started: Array<{ reason: string }>; failed: unknown[] };
    expect(detail.failed).toEqual([]);
    expect(detail.started).toHaveLength(4);
    expect(detail.started.filter((s) => s.reason.includes("StartTask's answer was lost; the re-read found the copy"))).toHaveLength(4);
    expect(ctx.metrics.last('FailedToPlace')).toBe(0);
  });

  it('a lost answer of a start that did not happen stays a failure, marked as settled', async () => {
    const { name, rule, instances } = fleet(1);
    emulator.failCalls({ operation: 'StartTask', times: 1 });
    const ctx = context(rule, 1);
    await handleDaemonBatch([{ messageId: 'a', body: JSON.stringify({ kind: 'sweep', rule: rule.name }) }], ctx);
    expect(copiesByInstance(name, rule).size).toBe(0);
    const [failed] = ctx.publisher.events.filter((e) => e.detailType === 'Daemon Placement Failed');
    const [instance] = (failed!.detail as { instances: Array<{ containerInstanceArn: string; detail: string }> }).instances;
    expect(instance).toMatchObject({ containerInstanceArn: instances[0] });
    expect(instance!.detail).toMatch(/a re-read finds no new copy on the instance: it did not start$/);
  });
});

describe('daemon handler: copies started before the rule tag (an upgrade)', () => {
  it('keeps them as the rule\'s copies, reports each stop IAM refuses with the fix, and tags every copy it starts', async () => {
    const { name, clusterArn, instances, rule } = fleet(2);
    // What an earlier version left running: the rule's startedBy, no rule tag.
    const ecs = schedulerClient(emulator);
    const { tasks: old = [] } = await ecs.send(new StartTaskCommand({ cluster: name, taskDefinition: 'node-exporter', containerInstances: instances, startedBy: daemonKey(rule), group: daemonKey(rule) }));
    await emulator.admin.settle();
    const ctx = context(rule);
    stopOnlyTasksTagged(ctx.ecs, emulator, name, daemonKey(rule));
    const { events } = pipeline(clusterArn, rule, ctx);

    // Upgraded: the untagged copies are still the rule's (startedBy says so); nothing to do.
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);
    expect(emulator.admin.listTasks(name, { startedBy: daemonKey(rule), desiredStatus: 'RUNNING' }).map((t) => t.arn).sort()).toEqual(old.map((t) => t.taskArn).sort());

    // A rollout must stop one: IAM refuses, the copy keeps running, and the result says what to do.
    emulator.admin.registerTaskDefinition({ family: 'node-exporter', networkMode: 'host', containerDefinitions: [{ name: 'exporter', image: 'prom/node-exporter:v2', cpu: 128, memory: 128, portMappings: [{ containerPort: 9100 }] }] });
    ctx.publisher.events.length = 0;
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name, at: 'rollout' }));
    await quiesce(events);
    const failed = ctx.publisher.events.filter((e) => e.detailType === 'Daemon Reconciled').flatMap((e) => (e.detail as { failed: Array<{ action: string; reason: string; detail: string }> }).failed);
    expect(failed).toEqual([
      expect.objectContaining({ action: 'stop', reason: 'AccessDeniedException', detail: expect.stringContaining('may stop only tasks tagged ecs-schedulers:rule with its rule\'s name') }),
    ]);
    expect(copiesByInstance(name, rule).size).toBe(2);
    // A refused stop is a reported result, not a failed message: nothing goes to the dead-letter queue.
    expect(events.queue.deadLetters).toEqual([]);

    // Stopped by hand (an operator's own rights), each is replaced by a tagged copy of the new revision.
    for (const task of old) emulator.admin.stopTask(task.taskArn!, 'stopped by the operator after the upgrade', 0);
    await quiesce(events);
    const copies = [...copiesByInstance(name, rule).values()].flat();
    expect(copies).toHaveLength(2);
    for (const arn of copies) expect(emulator.admin.describeTask(arn).tags).toEqual([{ key: 'ecs-schedulers:rule', value: daemonKey(rule) }]);
  });
});

describe('daemon targeting by capacity provider', () => {
  it('covers only the instances a capacity provider launched, named by attribute:ecs.capacity-provider', async () => {
    const { name, clusterArn, instances, rule } = fleet(2, { constraint: 'attribute:ecs.capacity-provider == spot-pool' });
    emulator.admin.setCapacityProviders(name, [
      { name: 'spot-pool', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/spot' },
      { name: 'on-demand', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:2:autoScalingGroupName/od' },
    ]);
    const spot = [0, 1, 2].map(() => emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096, capacityProvider: 'spot-pool' }));
    const onDemand = emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096, capacityProvider: 'on-demand' });
    const ctx = context(rule);
    const { events } = pipeline(clusterArn, rule, ctx);
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);
    const covered = [...copiesByInstance(name, rule).keys()].sort();
    expect(covered).toEqual([...spot].sort());
    expect(covered).not.toContain(onDemand);
    for (const instance of instances) expect(covered).not.toContain(instance);
  });

  it('covers the instances of one Auto Scaling group, named by attribute:ecs.autoscaling-group', async () => {
    const { name, clusterArn, rule } = fleet(1, { constraint: 'attribute:ecs.autoscaling-group == od-fleet' });
    emulator.admin.setCapacityProviders(name, [
      { name: 'spot-pool-2', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/spot-fleet' },
      { name: 'on-demand-2', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:2:autoScalingGroupName/od-fleet' },
    ]);
    emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096, capacityProvider: 'spot-pool-2' });
    const onDemand = [0, 1].map(() => emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096, capacityProvider: 'on-demand-2' }));
    const ctx = context(rule);
    const { events } = pipeline(clusterArn, rule, ctx);
    events.send(JSON.stringify({ kind: 'sweep', rule: rule.name }));
    await quiesce(events);
    expect([...copiesByInstance(name, rule).keys()].sort()).toEqual([...onDemand].sort());
  });
});
