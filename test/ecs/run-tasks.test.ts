import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import type { ApplyResult } from '../../shared/ecs/apply.js';
import { runTasks } from '../../shared/ecs/run-tasks.js';
import type { PlannedRun } from '../../shared/rules/plan.js';
import { loadSnapshot } from '../../shared/state/load.js';
import { schedulerClient } from '../support/emulator.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 11 });
});
afterAll(() => emulator.close());

let clusters = 0;
async function fargateRun(count: number): Promise<{ name: string; run: PlannedRun; load: () => ReturnType<typeof loadSnapshot> }> {
  clusters += 1;
  const name = `run-tasks-${clusters}`;
  emulator.admin.createCluster(name);
  const taskDefinitionArn = emulator.admin.registerTaskDefinition({
    family: 'job',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'main', image: 'job' }],
  });
  const startedBy = `cron/job/${clusters}`;
  const run: PlannedRun = {
    launch: { taskDefinitionArn, startedBy },
    count,
    placement: { launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } } },
    clientToken: `${startedBy}:0:0:0`,
    reason: 'test',
  };
  const load = () => loadSnapshot(schedulerClient(emulator), name, { kind: 'startedBy', startedBy }, { taskDefinitions: [taskDefinitionArn] });
  return { name, run, load };
}

const emptyResult = (): ApplyResult => ({ started: [], stopped: [], failed: [], conflicts: 0 });

describe('runTasks: what a RunTask answer means', () => {
  it('a call that started tasks before a later try was refused has an unknown outcome, not a refusal', async () => {
    const { name, run, load } = await fargateRun(2);
    const snapshot = await load();
    // The first try runs the tasks and its answer is lost; the SDK's second and last try is throttled.
    emulator.failCalls({ operation: 'RunTask', times: 1, answerLost: true });
    emulator.failCalls({ operation: 'RunTask', times: 1, error: { type: 'ThrottlingException', message: 'Rate exceeded' } });
    const result = emptyResult();
    await runTasks(schedulerClient(emulator, 2), snapshot, [run], result);

    expect(emulator.admin.listTasks(name, { startedBy: run.launch.startedBy })).toHaveLength(2);
    expect(result.failed).toMatchObject([{ call: 'RunTask', reason: 'ThrottlingException', outcomeUnknown: true }]);
  });

  it('a throttled first try is a refusal: ECS started nothing', async () => {
    const { name, run, load } = await fargateRun(2);
    const snapshot = await load();
    emulator.failCalls({ operation: 'RunTask', times: 1, error: { type: 'ThrottlingException', message: 'Rate exceeded' } });
    const result = emptyResult();
    await runTasks(schedulerClient(emulator, 1), snapshot, [run], result);

    expect(emulator.admin.listTasks(name, { startedBy: run.launch.startedBy })).toHaveLength(0);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.outcomeUnknown).toBeUndefined();
  });

  it('an answer with fewer failures than missing copies is an answer: nothing is unknown', async () => {
    const { name, run, load } = await fargateRun(3);
    // A capacity provider without instances: ECS lists one failure for the provider, not one per copy.
    emulator.admin.setCapacityProviders(name, [{ name: 'empty-pool', autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/empty' }]);
    const taskDefinitionArn = emulator.admin.registerTaskDefinition({ family: 'on-instances', containerDefinitions: [{ name: 'main', image: 'job', cpu: 256, memory: 512 }] });
    const onPool: PlannedRun = { ...run, launch: { ...run.launch, taskDefinitionArn }, placement: { capacityProviderStrategy: [{ capacityProvider: 'empty-pool', weight: 1, base: 0 }] } };
    const snapshot = await load();
    const result = emptyResult();
    await runTasks(schedulerClient(emulator), snapshot, [onPool], result);

    expect(result.started).toEqual([]);
    expect(result.failed.length).toBeGreaterThan(0);
    expect(result.failed.length).toBeLessThan(3);
    expect(result.failed.every((failure) => failure.outcomeUnknown === undefined)).toBe(true);
  });
});
