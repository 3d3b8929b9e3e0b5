import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start (local mode)', () => {
  it('runs the example config through the real handlers and ends with every invariant held', async () => {
    // 3.25 simulated hours from midnight in New York take in the 02:00 nightly report and its stop an hour on.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/start.ts', '--hours', '3.25', '--instances', '8'], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: 'true' },
    });
    expect(stdout).toMatch(/daemon node-exporter: started \d+ \(instance \w+ is new/); // the join reaches it by event
    expect(stdout).toMatch(/daemon node-exporter: started 1 \(copy \w+ stopped/); // a dead copy is replaced
    expect(stdout).toContain('cron nightly-report: slot 07:00 started 1 of 1');
    expect(stdout).toMatch(/cron nightly-report: stopped a run past maxRunSeconds 3600/);
    // A quarter of the warm-ups exit 1 (seeded): each failure is retried, and most retries succeed.
    expect(stdout).toMatch(/cron cache-warmer: slot \d\d:\d\d run FAILED \(attempt 1 of 3\): task \w+: EssentialContainerExited: .*container warmer exited 1; retry at/);
    expect(stdout).toMatch(/cron cache-warmer: slot \d\d:\d\d succeeded \(attempt 2 of 3, 240 s\)/);
    expect(stdout).toMatch(/cron cache-warmer \(Replace\): 13 slots, 21 runs started, 11 succeeded, 1 failed \(8 more retried\)/);
    expect(stdout).toContain('All invariants held');
  });

  it('refuses bad flags with usage and exit code 2', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/start.ts', '--hours', '0'], { cwd: ROOT });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm start') });
  });
});
