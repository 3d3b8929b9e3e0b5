import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ecsSched, REPO, writeConfig } from './helpers.js';

/** `ecs-sched emulator` as a process: its first line, the seeding it did, and its stop on SIGTERM. */
describe('ecs-sched emulator', () => {
  it('prints one JSON line with the endpoint, serves a cluster seeded for the config, and stops on SIGTERM', async () => {
    const config = writeConfig('emulator.json', {
      clusters: { edge: {}, other: {} },
      daemons: [{ name: 'agent', cluster: 'edge', taskDefinition: 'agent', constraint: 'attribute:zone-group == west' }],
      crons: [{ name: 'gpu', cluster: 'edge', taskDefinition: 'trainer:2', schedule: 'rate(1 hour)', placement: { constraints: [{ type: 'memberOf', expression: 'attribute:gpus > 2' }] } }],
    });
    const child = spawn(process.execPath, [join(REPO, 'cli', 'ecs-sched.js'), 'emulator', '--config', config, '--cluster', 'edge', '--instances', '4', '--json'], {
      cwd: REPO,
      env: cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(); // a closed stdin must not stop it
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const first = await new Promise<string>((resolve) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\n')) resolve(text.split('\n')[0]!);
        });
      });
      const printed = JSON.parse(first) as { endpoint: string; clusters: string[]; instances: number; notes: string[] };
      expect(printed).toMatchObject({ endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), clusters: ['edge'], instances: 4 });
      expect(printed.notes).toEqual([
        'task definition agent: container "agent", 256 CPU units, 512 MiB (defaults: no local export names it)',
        'task definition trainer (revisions 1-2): container "trainer", 256 CPU units, 512 MiB (defaults: no local export names it)',
        'cron gpu: constraint "attribute:gpus > 2" matches none of the 4 seeded instances of edge (seeding sets custom attributes from ==, in, != and exists terms only)',
      ]);

      // The daemon's constraint matches every seeded instance; the other cluster was left out.
      const plan = await ecsSched(['plan', 'agent', '--config', config, '--json'], { env: { AWS_ENDPOINT_URL_ECS: printed.endpoint } });
      expect(plan.code).toBe(0);
      expect((JSON.parse(plan.stdout) as { rules: Array<{ coverage: { desired: number } }> }).rules[0]!.coverage.desired).toBe(4);
      const query = await ecsSched(['query', '--cluster', 'other', 'SELECT 1', '--endpoint', printed.endpoint]);
      expect(query.stderr).toMatch(/other/);
      expect(query.code).toBe(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('refuses a bad --instances with exit 2', async () => {
    const { code, stderr } = await ecsSched(['emulator', '--instances', 'many']);
    expect(stderr).toContain('--instances must be a whole number');
    expect(code).toBe(2);
  });
});
