import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { cleanEnv, ecsSched, REPO, writeConfig } from './helpers.js';

/**
 * plan and run on a cluster of many instances: counts per reason rather than a line per
 * instance, the changes-pending exit code, and run failing when copies could not be placed.
 * Cluster "wide": 30 instances with room for the daemon and 10 without (RESOURCE:CPU).
 */
let emulator: Emulator;
let config: string;
const at = () => ['--endpoint', emulator.endpoint, '--config', config];

beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 5 });
  emulator.admin.createCluster('wide');
  emulator.admin.registerTaskDefinition({ family: 'wide-agent', containerDefinitions: [{ name: 'agent', image: 'example/agent', cpu: 256, memory: 256 }] });
  for (let i = 0; i < 40; i += 1) emulator.admin.registerInstance({ cluster: 'wide', cpu: i < 30 ? 2048 : 128, memory: 4096 });
  config = writeConfig('wide.json', {
    clusters: { wide: {} },
    daemons: [{ name: 'wide-agent', cluster: 'wide', taskDefinition: 'wide-agent' }],
    // Suspended, so that its slots never count as pending changes, whatever the time of the test.
    crons: [{ name: 'wide-report', cluster: 'wide', taskDefinition: 'wide-agent', schedule: 'cron(0 1 * * ? *)', timeZone: 'America/New_York', suspend: true }],
  });
});

afterAll(() => emulator.close());

describe('plan and run on a wide cluster', () => {
  it('plan counts instances per reason; --detailed-exitcode says changes are pending (3), then none (0) once run placed what fits', async () => {
    const plan = await ecsSched(['plan', ...at()]);
    expect(plan.stderr).toBe(''); // no progress line when stderr is not a terminal
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/ {2}start 30:\n {4}30 instances: has no copy\n/);
    expect(plan.stdout).toMatch(/ {2}cannot place 10:\n {4}10 instances: RESOURCE:CPU\n/);
    expect(plan.stdout).toMatch(/30 change\(s\) pending/);
    expect(plan.stdout.trim().split('\n').length).toBeLessThan(20);
    // A 01:00 New York slot reads 01:00 beside its UTC time (05:00 or 06:00, with daylight saving time).
    expect(plan.stdout).toMatch(/next slot \d{4}-\d\d-\d\dT0[56]:00:00\.000Z \(\d{4}-\d\d-\d\d 01:00 America\/New_York\)/);

    expect((await ecsSched(['plan', '--detailed-exitcode', ...at()])).code).toBe(3);
    const json = JSON.parse((await ecsSched(['plan', '--json', ...at()])).stdout) as { pendingChanges: number; rules: Array<{ starts: unknown[] }> };
    expect(json.pendingChanges).toBe(30);
    expect(json.rules[0]!.starts).toHaveLength(30); // every instance, always, in --json

    const run = await ecsSched(['run', 'wide-agent', '--yes', ...at()]);
    expect(run.stdout).toMatch(/started 30:/);
    expect(run.stdout).toMatch(/could not place 10 \(these instances have no copy\):\n {4}10 instances: RESOURCE:CPU/);
    expect(run.code).toBe(1);

    const after = await ecsSched(['plan', '--detailed-exitcode', ...at()]);
    expect(after.stdout).toMatch(/no changes pending/);
    expect(after.code).toBe(0);
  });

  it('draws a progress line on stderr while a cluster loads, when stderr is a terminal', async () => {
    // script(1) gives the command a terminal; what it shows is stdout and stderr together.
    const command = [process.execPath, join(REPO, 'cli', 'ecs-sched.js'), 'plan', 'wide-agent', ...at()].join(' ');
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { cwd: REPO, env: cleanEnv() });
    expect(stdout).toContain('\r\x1b[2Kloading wide-agent (cluster wide)');
    expect(stdout).toContain('daemon wide-agent · cluster wide');
  });
});
