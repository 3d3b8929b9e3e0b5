import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(REPO, 'cli', 'ecs-sched.js');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch folder for configs and snapshot files. */
export const scratch = mkdtempSync(join(tmpdir(), 'ecs-sched-test-'));

export function writeConfig(name: string, config: unknown): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * The environment of every CLI process: this one's, minus anything AWS (no test may pick up the
 * machine's credentials, profile, Region or endpoints), with instance metadata off and the
 * shared config files pointed at nothing, so a test that leaves out --endpoint cannot reach AWS.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(scratch, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-aws-credentials'),
    ...extra,
  };
}

/**
 * Runs the CLI as a real process (`node cli/ecs-sched.js ...`, what the bin runs) from the repo
 * root. stdin is a pipe closed at once: never a terminal, as in CI.
 */
export function ecsSched(args: readonly string[], options: { env?: Record<string, string>; command?: readonly string[] } = {}): Promise<Finished> {
  const [program, ...prefix] = options.command ?? [process.execPath, LAUNCHER];
  return new Promise((done, fail) => {
    const child = spawn(program!, [...prefix, ...args], { cwd: REPO, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end();
  });
}

/** A stack trace's frame lines, which no error output may show without --debug. */
export const STACK_FRAME = /^\s+at .+\(?.*:\d+:\d+\)?$/m;
