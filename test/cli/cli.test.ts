import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedCluster, startEmulator, type Emulator } from '../../emulator/index.js';
import type { CronPlanView, DaemonPlanView } from '../../cli/plans.js';
import { cronSlotKey } from '../../shared/rules/cron/rule.js';
import { ecsSched, scratch, STACK_FRAME, writeConfig } from './helpers.js';

/**
 * The CLI as users run it: a separate process, talking to an emulator in this process over
 * --endpoint. Each test sets up its own cluster, so they do not see one another's tasks.
 */
let emulator: Emulator;
/** The emulator's clock runs this far from the real one (to create tasks that started long ago). */
let clockOffsetMs = 0;
const HOUR = 3_600_000;

beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 3, clock: () => Date.now() + clockOffsetMs });
});
afterAll(async () => {
  await emulator.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => emulator.calls.reset());

const at = () => ['--endpoint', emulator.endpoint];

function registerFamily(family: string, size: { cpu: number; memory: number }): string {
  return emulator.admin.registerTaskDefinition({ family, containerDefinitions: [{ name: family, image: `example/${family}`, ...size }] });
}

describe('validate', () => {
  it('reads a TypeScript config with export default in a CommonJS project, as cdk init makes them', async () => {
    const project = join(scratch, 'commonjs-app');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'commonjs-app', private: true }));
    writeFileSync(
      join(project, 'scheduler.config.ts'),
      "export default { clusters: { prod: {} }, daemons: [{ name: 'agent', cluster: 'prod', taskDefinition: 'agent' }] };\nexport const local = { taskDefinitions: {} };\n",
    );
    const { code, stdout, stderr } = await ecsSched(['validate', '--config', join(project, 'scheduler.config.ts')]);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${join(project, 'scheduler.config.ts')}: valid: 1 cluster, 1 daemon rule, 0 cron rules\n`);
    expect(code).toBe(0);
  });

  it('accepts the example config (a TypeScript module, loaded by default)', async () => {
    const { code, stdout, stderr } = await ecsSched(['validate']);
    expect(stderr).toBe('');
    expect(stdout).toBe('scheduler.config.ts: valid: 1 cluster, 1 daemon rule, 2 cron rules\n');
    expect(code).toBe(0);
  });

  const bad = {
    clusters: { prod: {} },
    daemons: [{ name: 'agent', cluster: 'staging', taskDefinition: 'agent', maxUnavailable: '150%' }],
    crons: [{ name: 'report', cluster: 'prod', taskDefinition: 'report', schedule: 'cron(0 2 * *)', count: 0 }],
  };

  it('prints every error of a bad config at once, and exits 2', async () => {
    const file = writeConfig('bad.json', bad);
    const { code, stdout, stderr } = await ecsSched(['validate', '--config', file]);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`${file}: 4 errors`);
    expect(lines.slice(1).join('\n')).toMatch(/daemon rule "agent": cluster: must be .*"prod", found "staging"/);
    expect(stdout).toMatch(/daemon rule "agent": maxUnavailable: /);
    expect(stdout).toMatch(/cron rule "report": schedule: /);
    expect(stdout).toMatch(/cron rule "report": count: must be a whole number from 1 to 100, found 0/);
  });

  it('gives the same errors as JSON, with their paths, for scripts', async () => {
    const file = writeConfig('bad-json.json', bad);
    const { code, stdout } = await ecsSched(['validate', '--config', file, '--json']);
    expect(code).toBe(2);
    const result = JSON.parse(stdout) as { ok: boolean; errors: Array<{ path: string; rule?: string }> };
    expect(result.ok).toBe(false);
    expect(result.errors.map((error) => error.path).sort()).toEqual([
      'crons[report].count',
      'crons[report].schedule',
      'daemons[agent].cluster',
      'daemons[agent].maxUnavailable',
    ]);
  });
});

describe('plan', () => {
  /**
   * Cluster "plan": three instances, one too small for anything. The daemon has a copy on big-2
   * and a duplicate there; the cron rule has a run of a slot two hours ago still going, past its
   * maxRunSeconds. A third rule names a cluster ECS does not have.
   */
  let setup: Awaited<ReturnType<typeof planCluster>>;
  beforeAll(async () => {
    setup = await planCluster();
  });

  async function planCluster() {
    emulator.admin.createCluster('plan');
    registerFamily('plan-agent', { cpu: 256, memory: 256 });
    registerFamily('plan-report', { cpu: 512, memory: 512 });
    const big1 = emulator.admin.registerInstance({ cluster: 'plan', cpu: 2048, memory: 4096, ec2InstanceId: 'i-big1' });
    const big2 = emulator.admin.registerInstance({ cluster: 'plan', cpu: 2048, memory: 4096, ec2InstanceId: 'i-big2' });
    emulator.admin.registerInstance({ cluster: 'plan', cpu: 128, memory: 4096, ec2InstanceId: 'i-small' });
    const copy = { cpu: 256, memory: 256, family: 'plan-agent', startedBy: 'daemon/plan-agent' };
    emulator.admin.occupy(big2, copy);
    const duplicate = emulator.admin.occupy(big2, copy);

    const rule = { name: 'plan-report', cluster: 'plan', taskDefinition: 'plan-report', schedule: 'rate(1 hour)', count: 2, overlapPolicy: 'Replace', maxRunSeconds: 60 };
    const oldSlot = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR);
    clockOffsetMs = -2 * HOUR;
    const oldRun = emulator.admin.occupy(big1, { cpu: 512, memory: 512, family: 'plan-report', startedBy: cronSlotKey(rule, oldSlot) });
    await emulator.admin.settle(); // it started (RUNNING) two hours ago too
    clockOffsetMs = 0;
    const config = writeConfig('plan.json', {
      clusters: { plan: {}, ghost: {} },
      daemons: [
        { name: 'plan-agent', cluster: 'plan', taskDefinition: 'plan-agent' },
        { name: 'ghost-agent', cluster: 'ghost', taskDefinition: 'plan-agent' },
      ],
      crons: [rule],
    });
    return { big1, big2, duplicate, oldRun, oldSlot, config };
  }

  it('says what each rule would do and why, changing nothing (JSON)', async () => {
    const { big1, duplicate, oldRun, oldSlot, config } = setup;
    const before = emulator.admin.listTasks('plan');

    const { code, stdout, stderr } = await ecsSched(['plan', '--config', config, '--json', ...at()]);
    expect(code).toBe(1); // the ghost cluster's rule could not be planned
    expect(stderr).toBe('');
    const plan = JSON.parse(stdout) as { rules: [DaemonPlanView, { error: object }, CronPlanView]; ecsCalls: Record<string, number> };
    const [daemon, ghost, cron] = plan.rules;

    expect(daemon).toMatchObject({ kind: 'daemon', rule: 'plan-agent', cluster: 'plan' });
    expect(daemon.starts).toEqual([{ containerInstanceArn: big1, ec2InstanceId: 'i-big1', reason: 'daemon plan-agent: i-big1 has no copy' }]);
    expect(daemon.stops).toEqual([expect.objectContaining({ taskArn: duplicate, ec2InstanceId: 'i-big2', reason: expect.stringMatching(/duplicate copy on i-big2/) })]);
    expect(daemon.coverage).toMatchObject({ desired: 3, current: 1, failedToPlace: [expect.objectContaining({ ec2InstanceId: 'i-small', reason: 'RESOURCE:CPU' })] });

    expect(ghost).toMatchObject({ kind: 'daemon', rule: 'ghost-agent', error: { code: 'ClusterNotFound', message: 'cluster "ghost" was not found at ' + emulator.endpoint } });

    expect(cron).toMatchObject({ kind: 'cron', rule: 'plan-report', schedule: 'rate(1 hour)', maxRunSeconds: 60 });
    const runNow = cron.runNow;
    if (runNow.decision !== 'start') throw new Error(`expected a start, got ${JSON.stringify(runNow)}`);
    expect(runNow).toMatchObject({ missing: 2, unplaced: 0 });
    expect(runNow.starts).toHaveLength(2);
    // Replace stops the old slot's run; the small instance takes no copy.
    expect(runNow.stops).toEqual([expect.objectContaining({ taskArn: oldRun, reason: expect.stringMatching(/overlap policy Replace/) })]);
    expect(runNow.starts.map((start) => start.ec2InstanceId)).not.toContain('i-small');
    expect(cron.overdue).toEqual([expect.objectContaining({ taskArn: oldRun, slot: oldSlot.toISOString() })]);
    expect(cron.overdue[0]!.runningSeconds).toBeGreaterThan(7000);

    // Read-only, by the emulator's own count: not one StartTask or StopTask.
    expect(emulator.calls.count('StartTask')).toBe(0);
    expect(emulator.calls.count('StopTask')).toBe(0);
    expect(emulator.calls.count('RunTask')).toBe(0);
    expect(Object.keys(plan.ecsCalls).every((call) => /^(List|Describe)/.test(call))).toBe(true);
    expect(emulator.admin.listTasks('plan')).toEqual(before);
  });

  it('prints the same plan for people, with the reasons', async () => {
    const { config } = setup;
    const { code, stdout } = await ecsSched(['plan', '--config', config, ...at()]);
    expect(code).toBe(1);
    expect(stdout).toContain('daemon plan-agent · cluster plan · plan-agent:1');
    // A count per reason; the instances themselves only with --verbose.
    expect(stdout).toMatch(/start 1:\n\s+1 instance: has no copy\n/);
    expect(stdout).toMatch(/cannot place 1:\n\s+1 instance: RESOURCE:CPU\n/);
    expect(stdout).not.toContain('i-small');
    expect(stdout).toMatch(/daemon ghost-agent · cluster ghost\n\s+error: cluster "ghost" was not found/);
    expect(stdout).toMatch(/if run now: 2 copies missing/);
    expect(stdout).toMatch(/overdue runs \(maxRunSeconds 60\), would stop 1:/);
    expect(stdout).toMatch(/read-only: \d+ ECS read calls, nothing started or stopped; \d+ change\(s\) pending; 1 rule\(s\) could not be planned/);
    expect(emulator.calls.count('StartTask') + emulator.calls.count('StopTask')).toBe(0);

    const verbose = await ecsSched(['plan', 'plan-agent', '--verbose', '--config', config, ...at()]);
    expect(verbose.stdout).toMatch(/start 1:\n\s+i-big1 {2}daemon plan-agent: i-big1 has no copy/);
    expect(verbose.stdout).toMatch(/cannot place 1:\n\s+i-small {2}RESOURCE:CPU/);
  });
});

describe('plan for a rule ECS places', () => {
  it('says the copies go to Fargate through RunTask, and starts nothing', async () => {
    emulator.admin.createCluster('plan-fargate');
    emulator.admin.registerTaskDefinition({
      family: 'fargate-report',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'main', image: 'report' }],
    });
    const config = writeConfig('fargate.json', {
      clusters: { 'plan-fargate': {} },
      crons: [{ name: 'fargate-report', cluster: 'plan-fargate', taskDefinition: 'fargate-report', schedule: 'rate(1 hour)', count: 12, launch: { type: 'fargate', subnets: ['subnet-0123456789abcdef0'] } }],
    });
    const { code, stdout } = await ecsSched(['plan', '--config', config, ...at()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/if run now: 12 copies missing\n\s+run 12 on Fargate: ECS places them \(RunTask, 2 calls with a client token each\)/);
    expect(emulator.calls.count('RunTask')).toBe(0);
  });
});

describe('snapshot and query', () => {
  let seeded: ReturnType<typeof seedCluster>;
  beforeAll(() => {
    seeded = seedCluster(emulator, { cluster: 'snap', instances: 130, tasks: 150, daemon: { family: 'snap-agent', startedBy: 'daemon/snap-agent' } });
  });

  it('writes a SQLite file holding every instance and task, with no progress bar when stderr is not a terminal', async () => {
    const file = join(scratch, 'snap.sqlite');
    const { code, stdout, stderr } = await ecsSched(['snapshot', '--cluster', 'snap', '--out', file, ...at()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^wrote ${file}: 130 instances, 280 tasks, \\d+ task definitions of ${seeded.clusterArn}`));

    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(file));
    const column = (sql: string) => db.exec(sql)[0]!.values.map((row) => row[0]);
    expect(column('SELECT name FROM clusters')).toEqual(['snap']);
    expect(column('SELECT arn FROM container_instances ORDER BY arn')).toEqual([...seeded.instanceArns].sort());
    expect(column('SELECT arn FROM tasks ORDER BY arn')).toEqual([...seeded.taskArns, ...seeded.daemonTaskArns].sort());
    expect(column("SELECT count(*) FROM tasks WHERE started_by = 'daemon/snap-agent'")).toEqual([130]);
    db.close();
  });

  it('runs SQL over a fresh snapshot and prints an aligned table', async () => {
    const { code, stdout, stderr } = await ecsSched(['query', '--cluster', 'snap', ...at(), "SELECT status, count(*) AS n FROM container_instances GROUP BY status"]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(['status    n', '------  ---', 'ACTIVE  130', '(1 row)', ''].join('\n'));
  });

  it('prints the rows as JSON for scripts', async () => {
    const { code, stdout } = await ecsSched(['query', '--json', '--cluster', 'snap', ...at(), "SELECT arn, family FROM tasks WHERE started_by = 'daemon/snap-agent' ORDER BY arn"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([...seeded.daemonTaskArns].sort().map((arn) => ({ arn, family: 'snap-agent' })));
  });

  it('an SQL error is one clear line and exit 2, without a stack trace', async () => {
    const { code, stdout, stderr } = await ecsSched(['query', '--cluster', 'snap', ...at(), 'SELECT * FROM nope']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ecs-sched query: error: SQL error: no such table: nope\n {2}hint: tables: /);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown cluster is exit 1 and, with --json, one JSON line on stderr', async () => {
    const { code, stdout, stderr } = await ecsSched(['query', '--json', '--cluster', 'ghost', ...at(), 'SELECT 1']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(JSON.parse(stderr)).toEqual({
      error: { code: 'ClusterNotFound', message: `cluster "ghost" was not found at ${emulator.endpoint}`, hint: expect.stringContaining('--region') },
    });
  });

  it('missing credentials (no --endpoint, nothing configured) are one line with a hint, exit 2', async () => {
    // The standard chain finds nothing (see cleanEnv); the endpoint variable keeps any request on this machine regardless
    // (0.0.0.0 is not a loopback name, so it does not count as --endpoint, which would need no credentials).
    const { code, stdout, stderr } = await ecsSched(['snapshot', '--cluster', 'snap', '--out', join(scratch, 'never.sqlite')], {
      env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_ECS: 'http://0.0.0.0:9' },
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ecs-sched snapshot: error: no AWS credentials found \(.+\)\n {2}hint: configure credentials .* --endpoint/);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(emulator.calls.total()).toBe(0);
  });
});

describe('run', () => {
  function runCluster(name: string, instances: number) {
    emulator.admin.createCluster(name);
    return Array.from({ length: instances }, (_, i) => emulator.admin.registerInstance({ cluster: name, cpu: 2048, memory: 4096, ec2InstanceId: `i-${name}-${i}` }));
  }

  it('without a terminal and without --yes, refuses before any AWS call and changes nothing', async () => {
    runCluster('run-refuse', 2);
    registerFamily('refuse-agent', { cpu: 128, memory: 128 });
    const config = writeConfig('run-refuse.json', { clusters: { 'run-refuse': {} }, daemons: [{ name: 'refuse-agent', cluster: 'run-refuse', taskDefinition: 'refuse-agent' }] });
    const { code, stdout, stderr } = await ecsSched(['run', 'refuse-agent', '--config', config, ...at()]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/stdin is not a terminal; nothing was changed\n {2}hint: pass --yes/);
    expect(emulator.calls.total()).toBe(0);
    expect(emulator.admin.listTasks('run-refuse')).toEqual([]);
  });

  it('daemon --yes: one reconcile through the handler, a copy on each instance', async () => {
    const instances = runCluster('run-daemon', 2);
    registerFamily('run-agent', { cpu: 128, memory: 128 });
    const config = writeConfig('run-daemon.json', { clusters: { 'run-daemon': {} }, daemons: [{ name: 'run-agent', cluster: 'run-daemon', taskDefinition: 'run-agent' }] });
    const { code, stdout, stderr } = await ecsSched(['run', 'run-agent', '--yes', '--config', config, ...at()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const copies = emulator.admin.listTasks('run-daemon', { startedBy: 'daemon/run-agent' });
    expect(copies.map((task) => task.containerInstanceArn).sort()).toEqual([...instances].sort());
    expect(stdout).toMatch(/^plan:\n {2}daemon run-agent · cluster run-daemon/);
    expect(stdout).toMatch(/daemon run-agent: reconciled cluster run-daemon\n {2}started 2:\n/);
    expect(stdout).toContain('started 2:\n    2 instances: has no copy\n'); // a count per reason; --json has each copy
    expect(stdout).toMatch(/coverage before: 2 desired, 0 current/);
    expect(emulator.calls.count('StartTask')).toBe(1); // both copies in one StartTask
  });

  it('cron --yes --json: one run-now slot through the cron handler', async () => {
    runCluster('run-cron', 1);
    registerFamily('run-job', { cpu: 256, memory: 256 });
    const config = writeConfig('run-cron.json', {
      clusters: { 'run-cron': {} },
      crons: [{ name: 'run-job', cluster: 'run-cron', taskDefinition: 'run-job', schedule: 'cron(0 3 * * ? *)' }],
    });
    const { code, stdout, stderr } = await ecsSched(['run', 'run-job', '--yes', '--json', '--config', config, ...at()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as { applied: boolean; result: { status: string; trigger: string; startedBy: string; copies: Array<{ taskArn: string }> } };
    expect(output.applied).toBe(true);
    expect(output.result).toMatchObject({ status: 'started', trigger: 'manual', startedNow: 1 });
    expect(output.result.startedBy).toMatch(/^cron\/run-job\//);
    const tasks = emulator.admin.listTasks('run-cron');
    expect(tasks.map((task) => [task.arn, task.startedBy])).toEqual([[output.result.copies[0]!.taskArn, output.result.startedBy]]);
  });

  it('cron: the overlap policy is honored (Forbid with a run still going starts nothing)', async () => {
    const [instance] = runCluster('run-forbid', 1);
    registerFamily('forbid-job', { cpu: 256, memory: 256 });
    const rule = { name: 'forbid-job', cluster: 'run-forbid', taskDefinition: 'forbid-job', schedule: 'rate(1 hour)', overlapPolicy: 'Forbid' };
    const earlier = cronSlotKey(rule, new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR));
    const running = emulator.admin.occupy(instance!, { cpu: 256, memory: 256, family: 'forbid-job', startedBy: earlier });
    await emulator.admin.settle();
    emulator.calls.reset();
    const config = writeConfig('run-forbid.json', { clusters: { 'run-forbid': {} }, crons: [rule] });

    const { code, stdout } = await ecsSched(['run', 'cron/forbid-job', '--yes', '--config', config, ...at()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/cron forbid-job: slot .+ skipped \(overlap-forbidden\): overlap policy Forbid, and the run of slot .+ is still going/);
    expect(emulator.calls.count('StartTask')).toBe(0);
    expect(emulator.admin.listTasks('run-forbid').map((task) => task.arn)).toEqual([running]);
  });
});

describe('run --queue (a cron run-now through the deployed FIFO queue)', () => {
  it('sends the documented run-now message in the rule\'s message group, and starts nothing itself', async () => {
    const received: Array<{ target: string; body: Record<string, unknown> }> = [];
    // A stand-in for SQS: it answers SendMessage as SQS's JSON protocol does, and keeps what it got.
    const sqs = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>;
        received.push({ target: String(request.headers['x-amz-target']), body });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex') }));
      });
    });
    await new Promise<void>((resolve) => sqs.listen(0, '127.0.0.1', resolve));
    try {
      const sqsEndpoint = `http://127.0.0.1:${(sqs.address() as AddressInfo).port}`;
      emulator.admin.createCluster('run-queue');
      emulator.admin.registerInstance({ cluster: 'run-queue', cpu: 2048, memory: 4096 });
      registerFamily('queue-job', { cpu: 256, memory: 256 });
      const config = writeConfig('run-queue.json', { clusters: { 'run-queue': {} }, crons: [{ name: 'queue-job', cluster: 'run-queue', taskDefinition: 'queue-job', schedule: 'rate(1 hour)' }] });
      const queueUrl = `${sqsEndpoint}/123456789012/queue-job.fifo`;
      const { code, stdout } = await ecsSched(['run', 'queue-job', '--yes', '--queue', queueUrl, '--config', config, ...at()], {
        env: { AWS_ENDPOINT_URL_SQS: sqsEndpoint },
      });

      expect(code).toBe(0);
      expect(stdout).toMatch(/queued run-now of cron queue-job for slot \S+ \(message m-1\)/);
      expect(received).toHaveLength(1);
      expect(received[0]!.target).toBe('AmazonSQS.SendMessage');
      expect(received[0]!.body).toMatchObject({ QueueUrl: queueUrl, MessageGroupId: 'queue-job' });
      const message = JSON.parse(String(received[0]!.body.MessageBody)) as { kind: string; rule: string; requestedAt: string };
      expect(message).toEqual({ kind: 'run-now', rule: 'queue-job', requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) });
      expect(emulator.calls.count('StartTask')).toBe(0);
    } finally {
      sqs.close();
    }
  });
});

describe('the bin', () => {
  it('runs with plain npx from the repo, and a usage error exits 2 with a hint', async () => {
    const { code, stdout, stderr } = await ecsSched(['plan', '--bogus'], { command: ['npx', '--no-install', 'ecs-sched'] });
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ecs-sched: error: Unknown option '--bogus'\n {2}hint: see ecs-sched --help$/m);
    expect(code).toBe(2);
  });
});
