import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'npm-start-test-'));

const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

function start(args: readonly string[]) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], { cwd: ROOT, env });
}

describe('npm start (local mode)', () => {
  it('runs the example config through the real handlers and ends with every invariant held', async () => {
    // 3.25 simulated hours from midnight in New York take in the 02:00 nightly report and its stop an hour on.
    const { stdout } = await start(['--hours', '3.25', '--instances', '8']);
    expect(stdout).toContain('task definition node-exporter: container "node-exporter", 128 CPU units, 128 MiB, host ports 9100 (from the local export)');
    expect(stdout).toMatch(/daemon node-exporter: started \d+ \(instance \w+ is new/); // the join reaches it by event
    expect(stdout).toMatch(/daemon node-exporter: started 1 \(copy \w+ stopped/); // a dead copy is replaced
    expect(stdout).toContain('cron nightly-report: slot 07:00 (02:00 America/New_York) started 1 of 1'); // beside UTC, the rule's zone
    expect(stdout).toMatch(/cron nightly-report: stopped a run past maxRunSeconds 3600/);
    // A quarter of the warm-ups exit 1 (seeded): each failure is retried, and most retries succeed.
    expect(stdout).toMatch(/cron cache-warmer: slot \d\d:\d\d run FAILED \(attempt 1 of 3\): task \w+: EssentialContainerExited: .*container cache-warmer exited 1; retry at/);
    expect(stdout).toMatch(/\] WARN cache-warmer: cron run failed: task \w+: EssentialContainerExited/); // the handler's own warning
    expect(stdout).toMatch(/cron cache-warmer: slot \d\d:\d\d succeeded \(attempt 2 of 3, 240 s\)/);
    expect(stdout).toMatch(/cron cache-warmer \(Replace\): 13 slots, 21 runs started, 11 succeeded, 1 failed \(8 more retried\)/);
    expect(stdout).toContain('All invariants held');
  });

  it('runs a config of its own: registers its task definitions, seeds attributes its constraints match', async () => {
    const config = join(scratch, 'own.config.mts');
    writeFileSync(
      config,
      `export default {
  clusters: { batch: {} },
  daemons: [{ name: 'log-shipper', cluster: 'batch', taskDefinition: 'fluent-bit', constraint: 'attribute:role in [worker, ingest] and attribute:pool != spot' }],
  crons: [{ name: 'hourly-sync', cluster: 'batch', taskDefinition: 'sync:2', schedule: 'cron(30 * * * ? *)', placement: { constraints: [{ type: 'memberOf', expression: 'attribute:tier == batch' }] } }],
};
export const local = { taskDefinitions: { 'fluent-bit': { cpu: 64, memory: 64, hostPorts: [24224] } } };
`,
    );
    // As a user types it.
    const { stdout } = await promisify(execFile)('npm', ['start', '--', '--hours', '2', '--instances', '8', '--config', config], { cwd: ROOT, env });
    expect(stdout).toContain(`Emulated cluster "batch": 8 instances in 3 zones; running 2 h of ${config} (1 daemon, 1 cron rules)`);
    expect(stdout).toContain('task definition fluent-bit: container "fluent-bit", 64 CPU units, 64 MiB, host ports 24224 (from the local export)');
    expect(stdout).toContain('task definition sync (revisions 1-2): container "sync", 256 CPU units, 512 MiB (defaults: no local export names it)');
    expect(stdout).not.toContain('matches none');
    // Every fourth instance is in the spot pool the constraint keeps out: 6 of the first 8.
    expect(stdout).toContain('daemon log-shipper: started 6 (periodic sweep; 0/6 instances running a copy before this)');
    expect(stdout).toMatch(/cron hourly-sync: slot 05:30 started 1 of 1 on i-\w+/);
    expect(stdout).toContain('cron hourly-sync (Forbid): 2 slots, 2 runs started, 2 succeeded');
    expect(stdout).toContain('All invariants held');
  });

  it('names a constraint seeding cannot satisfy, and prints the handler errors it causes', async () => {
    const config = join(scratch, 'gpu.config.json');
    writeFileSync(config, JSON.stringify({ clusters: { ml: {} }, crons: [{ name: 'train', cluster: 'ml', taskDefinition: 'trainer', schedule: 'rate(30 minutes)', placement: { constraints: [{ type: 'memberOf', expression: 'attribute:gpu-count > 4' }] } }] }));
    const run = start(['--hours', '1', '--instances', '4', '--config', config]);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('cron train: constraint "attribute:gpu-count > 4" matches none of the 4 seeded instances of ml'),
    });
    const { stdout } = (await run.catch((error: unknown) => error)) as { stdout: string };
    expect(stdout).toMatch(/\[05:30\] ERROR train: cron run failed: 1 copy fits on no instance \(CONSTRAINT on 7\); no instance of the cluster matches the constraint/);
    expect(stdout).toContain('2 invariant(s) broke');
  });

  it('refuses bad flags with usage and exit code 2', async () => {
    await expect(start(['--hours', '0'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm start') });
  });

  it('refuses a local export it cannot read, naming the field, with exit code 2', async () => {
    const config = join(scratch, 'bad-local.config.mts');
    writeFileSync(config, `export default { clusters: { c: {} } };\nexport const local = { taskDefinitions: { agent: { cpus: 256 } } };\n`);
    await expect(start(['--config', config])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('taskDefinitions.agent') });
  });

  it('refuses an invalid config with every error and exit code 2', async () => {
    const config = join(scratch, 'bad.config.json');
    writeFileSync(config, JSON.stringify({ clusters: {}, daemons: [{ name: 'x', cluster: 'nope', taskDefinition: 'x' }] }));
    await expect(start(['--config', config])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(`${config}: `) });
  });
});
