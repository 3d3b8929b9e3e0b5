import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { ecsSched, writeConfig } from './helpers.js';

/**
 * Config mistakes as a user meets them: the CLI as a process against an emulator in this process.
 * Each test has a cluster of its own.
 */
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 19 });
});
afterAll(async () => {
  await emulator.close();
});

const at = () => ['--endpoint', emulator.endpoint];

function registerFamily(family: string, extra: Record<string, string> = {}): string {
  return emulator.admin.registerTaskDefinition({ family, ...extra, containerDefinitions: [{ name: family, image: `example/${family}`, cpu: 128, memory: 128 }] });
}

describe('a daemon constraint changed by mistake', () => {
  const cluster = 'typo';
  const family = 'typo-agent';
  const rule = (constraint: string) => ({ name: family, cluster, taskDefinition: family, maxUnavailable: '25%', constraint });
  const configWith = (file: string, constraint: string) => writeConfig(file, { clusters: { [cluster]: {} }, daemons: [rule(constraint)] });
  const live = () => emulator.admin.listTasks(cluster, { startedBy: `daemon/${family}`, desiredStatus: 'RUNNING' });

  beforeAll(async () => {
    emulator.admin.createCluster(cluster);
    registerFamily(family);
    // 12 instances, 4 of them larger: a constraint on the type matches those 4 only.
    for (let i = 0; i < 12; i += 1) {
      emulator.admin.registerInstance({ cluster, cpu: 2048, memory: 4096, ec2InstanceId: `i-typo-${i}`, instanceType: i < 4 ? 'm5.xlarge' : 'm5.large' });
    }
    const config = configWith('typo-good.json', 'attribute:ecs.os-type == linux');
    const { code } = await ecsSched(['run', family, '--yes', '--config', config, ...at()]);
    expect(code).toBe(0);
    await emulator.admin.settle();
    expect(live()).toHaveLength(12);
  });

  it('a constraint that matches no instance stops nothing, and plan and run say why', async () => {
    const config = configWith('typo-nothing.json', 'attribute:ecs.os-typo == linux');
    const plan = await ecsSched(['plan', '--config', config, ...at()]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('nothing to start or stop');
    expect(plan.stdout).toContain('constraint matches no instance: "attribute:ecs.os-typo == linux"; keeping 12 copies running');

    const run = await ecsSched(['run', family, '--yes', '--config', config, ...at()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('started nothing, stopped nothing');
    expect(run.stdout).toContain('constraint matches no instance');
    await emulator.admin.settle();
    expect(live()).toHaveLength(12);
  });

  it('copies the new constraint no longer matches stop at most 25% of 12 per reconcile', async () => {
    const config = configWith('typo-narrow.json', 'attribute:ecs.instance-type == m5.xlarge');
    const plan = await ecsSched(['plan', '--json', '--config', config, ...at()]);
    const stops = (JSON.parse(plan.stdout) as { rules: Array<{ stops: Array<{ reason: string }> }> }).rules[0]!.stops;
    expect(stops).toHaveLength(3);
    expect(stops[0]!.reason).toMatch(/no longer matches the constraint/);

    for (const left of [9, 6, 4]) {
      const { code, stdout } = await ecsSched(['run', family, '--yes', '--json', '--config', config, ...at()]);
      expect(code).toBe(0);
      expect((JSON.parse(stdout) as { result: { stopped: unknown[] } }).result.stopped.length).toBeLessThanOrEqual(3);
      await emulator.admin.settle();
      expect(live()).toHaveLength(left);
    }
  });
});

describe('validate', () => {
  const cron = { cluster: 'prod', taskDefinition: 'digest', schedule: 'cron(0 6 * * ? *)' };

  it('refuses two rules whose names become one stack output, naming both, and an at() already past', async () => {
    const config = writeConfig('collide.json', {
      clusters: { prod: {} },
      crons: [
        { ...cron, name: 'eu-digest' },
        { ...cron, name: 'eudigest' },
        { ...cron, name: 'launch', schedule: 'at(2020-01-01T00:00:00)' },
      ],
    });
    const { code, stdout } = await ecsSched(['validate', '--config', config]);
    expect(code).toBe(2);
    expect(stdout).toContain(`${config}: 2 errors`);
    expect(stdout).toContain('cron rule "eudigest": name: "eudigest" and "eu-digest" (crons[0]) both become the stack output CronQueueeudigest');
    expect(stdout).toMatch(/cron rule "launch": schedule: at\(2020-01-01T00:00:00\) in UTC is 2020-01-01T00:00:00.000Z, already past .*: it would never run/);
  });

  it('accepts a fixed-offset zone with a warning naming the zone probably meant', async () => {
    const config = writeConfig('est.json', { clusters: { prod: {} }, crons: [{ ...cron, name: 'digest', timeZone: 'EST' }] });
    const { code, stdout } = await ecsSched(['validate', '--config', config]);
    expect(code).toBe(0);
    expect(stdout).toContain('valid: 1 cluster, 0 daemon rules, 1 cron rule\n  warning: cron rule "digest": timeZone: "EST" is a fixed offset, UTC-05:00 all year');
    expect(stdout).toContain('use America/New_York');
  });
});

describe('a cron constraint that no instance matches', () => {
  it('fails the run at once with that reason, instead of waiting for capacity until the deadline', async () => {
    const cluster = 'never';
    emulator.admin.createCluster(cluster);
    registerFamily('never-job');
    emulator.admin.registerInstance({ cluster, cpu: 2048, memory: 4096, ec2InstanceId: 'i-never-0' });
    const config = writeConfig('never.json', {
      clusters: { [cluster]: {} },
      crons: [
        {
          name: 'never-job',
          cluster,
          taskDefinition: 'never-job',
          schedule: 'cron(0 4 * * ? *)',
          startingDeadlineSeconds: 3600,
          placement: { constraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == windows' }] },
        },
      ],
    });
    const { code, stdout, stderr } = await ecsSched(['run', 'never-job', '--yes', '--config', config, ...at()]);
    expect(code).toBe(1);
    expect(stdout).toContain('cannot place 1: no instance of the cluster matches the constraint "attribute:ecs.os-type == windows" (1 instance, whatever their room)');
    expect(stdout).toMatch(/cron never-job: slot .*: FAILED, 1 of 1 copy missing\n {2}1 copy fits on no instance \(CONSTRAINT on 1\)\n {2}no instance of the cluster matches the constraint/);
    expect(stderr).not.toContain('waiting');
    expect(emulator.admin.listTasks(cluster)).toEqual([]);
  });
});

describe('a task definition with an execution role missing from passRoles', () => {
  const cluster = 'roles';
  const EXEC = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
  const TASK = 'arn:aws:iam::123456789012:role/roles-task';
  const daemon = { name: 'roles-agent', cluster, taskDefinition: 'roles-agent', passRoles: [TASK] };
  const cron = { name: 'roles-job', cluster, taskDefinition: 'roles-agent', schedule: 'cron(0 5 * * ? *)', passRoles: [TASK] };
  const forgot = () => writeConfig('roles-forgot.json', { clusters: { [cluster]: {} }, daemons: [daemon], crons: [cron] });

  beforeAll(() => {
    emulator.admin.createCluster(cluster);
    registerFamily('roles-agent', { executionRoleArn: EXEC, taskRoleArn: TASK });
    emulator.admin.registerInstance({ cluster, cpu: 2048, memory: 4096, ec2InstanceId: 'i-roles-0' });
  });

  it('plan names the role and the line to write, for every rule', async () => {
    const { code, stdout } = await ecsSched(['plan', '--config', forgot(), ...at()]);
    expect(code).toBe(0);
    const line = `passRoles: missing ${EXEC} (the execution role of the task definition): AWS refuses every start with AccessDenied; write passRoles: ['${TASK}', '${EXEC}']`;
    expect(stdout).toContain(`daemon roles-agent · cluster roles · roles-agent:1\n  ${line}`);
    expect(stdout).toContain(`cron roles-job · cluster roles · roles-agent:1 · cron(0 5 * * ? *) in UTC\n  ${line}`);
  });

  it('validate --live refuses it without planning; validate alone cannot know', async () => {
    const config = forgot();
    expect((await ecsSched(['validate', '--config', config])).code).toBe(0);
    emulator.calls.reset();
    const live = await ecsSched(['validate', '--live', '--config', config, ...at()]);
    expect(live.code).toBe(2);
    expect(live.stdout).toContain(`${config}: 2 errors`);
    expect(live.stdout).toContain(`daemon rule "roles-agent": passRoles: missing ${EXEC} (the execution role of the task definition)`);
    expect(live.stdout).toContain(`cron rule "roles-job": passRoles: missing ${EXEC}`);
    // Task definitions only: nothing of the cluster is read.
    expect(emulator.calls.count('DescribeTaskDefinition')).toBeGreaterThan(0);
    expect(emulator.calls.total()).toBe(emulator.calls.count('DescribeTaskDefinition'));

    const fixed = writeConfig('roles-fixed.json', { clusters: { [cluster]: {} }, daemons: [{ ...daemon, passRoles: [TASK, EXEC] }] });
    const ok = await ecsSched(['validate', '--live', '--config', fixed, ...at()]);
    expect(ok.stdout).toBe(`${fixed}: valid (task definitions read from ECS): 1 cluster, 1 daemon rule, 0 cron rules\n`);
    expect(ok.code).toBe(0);
  });

  it('at run time, a start AWS refuses with AccessDenied is a failure that names the role and the fix', async () => {
    const denied = { type: 'AccessDeniedException', message: `User is not authorized to perform: iam:PassRole on resource: ${EXEC}` };
    const stopFailing = emulator.failCalls({ operation: 'StartTask', error: denied });
    try {
      const daemonRun = await ecsSched(['run', 'roles-agent', '--yes', '--config', forgot(), ...at()]);
      expect(daemonRun.code).toBe(1);
      expect(daemonRun.stdout).toMatch(/failed 1:\n {4}start .*: AccessDeniedException \(passRoles: missing arn:aws:iam::123456789012:role\/ecsTaskExecutionRole .*write passRoles: \[/);

      const cronRun = await ecsSched(['run', 'roles-job', '--yes', '--config', forgot(), ...at()]);
      expect(cronRun.code).toBe(1);
      expect(cronRun.stdout).toContain(`: AccessDeniedException (passRoles: missing ${EXEC} (the execution role of the task definition)`);
      expect(cronRun.stdout).toContain('ECS refuses the start itself; retrying would not help');
    } finally {
      stopFailing();
    }
  });
});

describe('a renamed daemon rule', () => {
  it("leaves the old rule's copies running, and plan lists them as orphaned", async () => {
    const cluster = 'rename';
    emulator.admin.createCluster(cluster);
    registerFamily('rename-agent');
    for (let i = 0; i < 2; i += 1) emulator.admin.registerInstance({ cluster, cpu: 2048, memory: 4096, ec2InstanceId: `i-rename-${i}` });
    const daemon = { cluster, taskDefinition: 'rename-agent' };
    const before = writeConfig('rename-before.json', { clusters: { [cluster]: {} }, daemons: [{ ...daemon, name: 'old-agent' }] });
    expect((await ecsSched(['run', 'old-agent', '--yes', '--config', before, ...at()])).code).toBe(0);
    await emulator.admin.settle();

    const after = writeConfig('rename-after.json', { clusters: { [cluster]: {} }, daemons: [{ ...daemon, name: 'new-agent' }] });
    const text = await ecsSched(['plan', '--config', after, ...at()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('orphans · cluster rename: 2 copies of rules not in the config');
    expect(text.stdout).toMatch(/orphaned task \S+ on i-rename-0 {2}RUNNING {2}startedBy daemon\/old-agent \(no daemon rule "old-agent" on this cluster\)/);

    const json = await ecsSched(['plan', '--json', '--config', after, ...at()]);
    const { orphans } = JSON.parse(json.stdout) as { orphans: Array<{ cluster: string; copies: Array<{ startedBy: string; ec2InstanceId: string }> }> };
    expect(orphans).toEqual([{ cluster, clusterArn: expect.any(String), copies: expect.any(Array) }]);
    expect(orphans[0]!.copies.map((copy) => [copy.startedBy, copy.ec2InstanceId]).sort()).toEqual([
      ['daemon/old-agent', 'i-rename-0'],
      ['daemon/old-agent', 'i-rename-1'],
    ]);
  });
});
