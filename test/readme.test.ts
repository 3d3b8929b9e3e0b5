import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * README's commands are run here, so they stay true. Benchmarks run at a small scale (the same
 * subcommand and flags, smaller numbers); npm start, npm test and the CLI have suites of their own
 * (test/local, CI, test/cli), and this checks README names only commands that exist.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const run = promisify(execFile);
const quiet = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** Smaller numbers for each flag, so a benchmark runs in seconds. */
const SMALL: Record<string, string> = { instances: '40', tasks: '200', count: '3', rules: '3', slots: '2', 'latency-ms': '1', kills: '4', minutes: '1' };

const benchLines = README.split('\n').filter((line) => line.startsWith('npm run --silent bench -- '));

describe('README commands', () => {
  it('lists the benchmarks', () => {
    expect(benchLines.map((line) => line.split(' ')[5])).toEqual(['snapshot', 'placement', 'daemon', 'cron', 'cron', 'cron', 'coldstart', 'crash', 'brownout']);
  });

  it.each(benchLines)('%s (at a small scale) ends with its JSON line', async (line) => {
    const words = line.split(/\s+/).slice(5);
    const args = words.map((word, i) => (i > 0 && words[i - 1]!.startsWith('--') && SMALL[words[i - 1]!.slice(2)] !== undefined ? SMALL[words[i - 1]!.slice(2)]! : word));
    const { stdout } = await run('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT, env: quiet });
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { bench: string };
    expect(last.bench).toBe(words[0]);
  });

  it('npx cdk synth works offline with no credentials', async () => {
    const { stderr } = await run('npx', ['cdk', 'synth', '--quiet', '--output', `${ROOT}cdk.out`], {
      cwd: ROOT,
      env: { ...quiet, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'no-such-profile-for-the-readme-test' },
    });
    expect(stderr).not.toMatch(/AwsSolutions|Serverless-|Error/);
  });

  it('names only ecs-sched commands that exist', () => {
    const commands = [...README.matchAll(/npx ecs-sched (\w+)/g)].map((match) => match[1]);
    expect(new Set(commands)).toEqual(new Set(['validate', 'plan', 'snapshot', 'query', 'run', 'status', 'history', 'emulator']));
  });
});
