import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { SchedulersStack } from '../../infra/stack.js';
import { loadConfig, type SchedulerConfig } from '../../shared/config/index.js';
import { systemClock } from '../../shared/handlers/context.js';
import { reconcileRule } from '../../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../../shared/handlers/daemon/memory.js';
import { checkRemoval } from '../../shared/handlers/removal/handle.js';
import { removalTermsFrom } from '../../shared/handlers/removal/terms.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { orphanedCopies } from '../../shared/rules/orphans.js';
import { daemonKey, type DaemonRule } from '../../shared/rules/daemon/rule.js';
import { loadSnapshot } from '../../shared/state/index.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics, silentLogger } from '../support/telemetry.js';

/**
 * An upgrade that removes a rule, as CloudFormation carries it out: the stack synthesized before
 * and after, the removed rule's removal resource (present before, gone after) deleted with the
 * properties it had, and the removal handler checked the way the provider's waiter checks it,
 * against the emulator.
 */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 23 });
});
afterAll(() => emulator.close());

const logger = silentLogger();

/** The removal resources of a synthesized stack, by rule, with their deletion policy and properties. */
function removalResources(config: SchedulerConfig) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new SchedulersStack(app, 'Upgrade', { config: loadConfig(config), env: { account: '123456789012', region: 'us-east-1' } }));
  const resources = Object.values(template.findResources('Custom::EcsSchedulerRuleRemoval')) as Array<{ DeletionPolicy: string; Properties: Record<string, unknown> }>;
  return new Map(resources.map((resource) => [removalTermsFrom(resource.Properties).rule, resource]));
}

/** A daemon rule with a copy on each of `instances` instances of a fresh cluster, started by its own reconcile. */
async function daemonWithCopies(cluster: string, instances: number, fields: Partial<DaemonRule> = {}) {
  emulator.admin.createCluster(cluster);
  emulator.admin.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 64, memory: 64 }] });
  for (let i = 0; i < instances; i += 1) emulator.admin.registerInstance({ cluster, cpu: 1024, memory: 2048 });
  const rule: DaemonRule = { name: `${cluster}-agent`, cluster, taskDefinition: 'agent', ...fields };
  const ecs = schedulerClient(emulator);
  await reconcileRule(
    { rule, ecs, memory: new DaemonMemory(daemonKey(rule)), publisher: new MemoryPublisher(), logger, metrics: new CapturingMetrics(), ...systemClock, remainingTimeMs: () => 60_000 },
    'test',
  );
  await emulator.admin.settle();
  const live = () => emulator.admin.listTasks(cluster, { startedBy: daemonKey(rule), desiredStatus: 'RUNNING' }).length;
  expect(live()).toBe(instances);
  return { rule, ecs, live };
}

describe('an upgrade that removes a daemon rule', () => {
  it('with the default policy (destroy), stops its copies a batch per check, at the maxUnavailable pace', async () => {
    const { rule, ecs, live } = await daemonWithCopies('removed', 8, { maxUnavailable: '25%' });
    const kept: DaemonRule = { name: 'kept', cluster: 'removed', taskDefinition: 'agent' };
    const before = removalResources({ clusters: { removed: {} }, daemons: [rule, kept] });
    const after = removalResources({ clusters: { removed: {} }, daemons: [kept] });
    expect([...after.keys()]).toEqual(['kept']);
    const deleted = before.get(rule.name)!;
    expect(deleted.DeletionPolicy).toBe('Delete'); // CloudFormation deletes it, with these properties

    const terms = removalTermsFrom(deleted.Properties);
    const batches: number[] = [];
    for (let check = 0; check < 10; check += 1) {
      const { done, stopped } = await checkRemoval(terms, { ecs, logger });
      batches.push(stopped.length);
      await emulator.admin.settle();
      if (done) break;
    }
    // 25% of the copies left, rounded up: 2 of 8, 2 of 6, 1 of 4, 1 of 3, 1 of 2, 1 of 1.
    expect(batches).toEqual([2, 2, 1, 1, 1, 1]);
    expect(live()).toBe(0);
  });

  it('with removalPolicy retain, CloudFormation never asks, and the copies show as orphaned', async () => {
    const { rule, ecs, live } = await daemonWithCopies('retained', 2, { removalPolicy: 'retain' });
    const before = removalResources({ clusters: { retained: {} }, daemons: [rule] });
    expect(before.get(rule.name)!.DeletionPolicy).toBe('Retain');
    expect(removalResources({ clusters: { retained: {} } }).size).toBe(0);

    const snapshot = await loadSnapshot(ecs, 'retained', { kind: 'all' });
    try {
      expect(orphanedCopies(snapshot, { daemons: [] }, 'retained').map((copy) => copy.startedBy)).toEqual([daemonKey(rule), daemonKey(rule)]);
    } finally {
      snapshot.close();
    }
    expect(live()).toBe(2);
  });
});

describe('an upgrade that removes a cron rule', () => {
  async function runningJobs(cluster: string) {
    emulator.admin.createCluster(cluster);
    emulator.admin.registerTaskDefinition({ family: 'job', containerDefinitions: [{ name: 'job', image: 'job', cpu: 64, memory: 64 }] });
    const instance = emulator.admin.registerInstance({ cluster, cpu: 1024, memory: 2048 });
    const run = emulator.admin.occupy(instance, { cpu: 64, memory: 64, family: 'job', startedBy: 'cron/nightly/t5l3k0' });
    const other = emulator.admin.occupy(instance, { cpu: 64, memory: 64, family: 'job', startedBy: 'cron/hourly/t5l3k0' });
    await emulator.admin.settle();
    const status = (task: string) => emulator.admin.describeTask(task).desiredStatus;
    return { run, other, status, ecs: schedulerClient(emulator) };
  }
  const cron = (cluster: string, stopRunsOnRemoval?: boolean) => ({ name: 'nightly', cluster, taskDefinition: 'job', schedule: 'cron(0 2 * * ? *)', ...(stopRunsOnRemoval !== undefined && { stopRunsOnRemoval }) });

  it('leaves its runs to finish by default', async () => {
    const { run, status, ecs } = await runningJobs('jobs-finish');
    const terms = removalTermsFrom(removalResources({ clusters: { 'jobs-finish': {} }, crons: [cron('jobs-finish')] }).get('nightly')!.Properties);
    expect(await checkRemoval(terms, { ecs, logger })).toEqual({ done: true, stopped: [], left: 0 });
    expect(status(run)).toBe('RUNNING');
  });

  it('stops its own runs, and only those, when stopRunsOnRemoval is set', async () => {
    const { run, other, status, ecs } = await runningJobs('jobs-stop');
    const terms = removalTermsFrom(removalResources({ clusters: { 'jobs-stop': {} }, crons: [cron('jobs-stop', true)] }).get('nightly')!.Properties);
    expect(await checkRemoval(terms, { ecs, logger })).toEqual({ done: true, stopped: [run], left: 0 });
    expect(status(run)).toBe('STOPPED');
    expect(status(other)).toBe('RUNNING');
  });
});

describe('removalTermsFrom', () => {
  it('names the property when it is not a rule\'s terms', () => {
    expect(() => removalTermsFrom({ Terms: '{"kind":"daemon"}' })).toThrow('custom resource property Terms must be the JSON of a rule\'s removal terms, found "{\\"kind\\":\\"daemon\\"}"');
    expect(() => removalTermsFrom({ Terms: 'daemon exporter' })).toThrow('custom resource property Terms must be the JSON of a rule\'s removal terms, found "daemon exporter"');
  });
});
