import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { parseCommandLine, onlyOptions } from '../../cli/args.js';
import { isLoopback } from '../../cli/aws.js';
import { findRule } from '../../cli/config.js';
import { confirm } from '../../cli/confirm.js';
import { explain } from '../../cli/errors.js';
import { ProgressBar, renderProgress } from '../../cli/progress.js';
import { formatTable } from '../../cli/table.js';
import { loadSnapshot } from '../../shared/state/load.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { schedulerClient } from '../support/emulator.js';

/** The CLI's helpers in-process: cases a process test cannot set up cheaply (a terminal, ECS throttling). */

describe('error messages', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    // A frozen clock: ECS's token buckets never refill, so once drained every read is throttled.
    const frozen = Date.now();
    emulator = await startEmulator({ randomSeed: 9, throttling: true, clock: () => frozen });
    emulator.admin.createCluster('busy');
    emulator.admin.registerInstance({ cluster: 'busy', cpu: 1024, memory: 1024 });
  });
  afterAll(() => emulator.close());

  it('throttling past the retries: one line naming ThrottlingException, with a hint, exit 1', async () => {
    const ecs = schedulerClient(emulator, 1);
    await Promise.allSettled(Array.from({ length: 110 }, () => ecs.send(new ListTasksCommand({ cluster: 'busy' }))));
    const failure = await loadSnapshot(ecs, 'busy', { kind: 'all' }, { pacer: new ReadPacer() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const explained = explain(failure, { endpoint: emulator.endpoint });
    expect(explained).toMatchObject({ code: 'Throttled', exitCode: 1 });
    expect(explained.message).toMatch(/^ECS throttled the requests at http:\/\/127\.0\.0\.1:\d+ \(ThrottlingException: Rate exceeded\)/);
    expect(explained.hint).toMatch(/try again/);
  });

  it('missing Region and credentials are configuration problems (exit 2), found anywhere in the cause chain', () => {
    const region = explain(new Error('Region is missing'));
    expect(region).toMatchObject({ code: 'NoRegion', exitCode: 2, message: 'no AWS Region configured' });
    expect(region.hint).toMatch(/--region/);
    const sdk = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const wrapped = new Error('Loading cluster "x" failed', { cause: sdk });
    expect(explain(wrapped)).toMatchObject({ code: 'NoCredentials', exitCode: 2, message: 'no AWS credentials found (Could not load credentials from any providers)' });
  });

  it('an unreachable endpoint names it; anything unknown points to --debug', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(explain(refused, { endpoint: 'http://127.0.0.1:9' })).toMatchObject({
      code: 'Unreachable',
      exitCode: 1,
      message: 'could not reach ECS at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9',
    });
    expect(explain(new TypeError('boom'))).toMatchObject({ code: 'Failed', exitCode: 1, message: 'TypeError: boom', hint: expect.stringMatching(/--debug/) });
  });
});

describe('formatTable', () => {
  it('aligns columns in SELECT order, right-aligns numbers, spells out NULL, counts rows', () => {
    const table = formatTable([
      { family: 'web', started_by: null, n: 12 },
      { family: 'node-exporter', started_by: 'daemon/node-exporter', n: 3 },
    ]);
    expect(table).toBe(
      [
        'family         started_by             n',
        '-------------  --------------------  --',
        'web            NULL                  12',
        'node-exporter  daemon/node-exporter   3',
        '(2 rows)',
      ].join('\n'),
    );
    expect(formatTable([])).toBe('(0 rows)');
  });
});

describe('progress bar', () => {
  const progress = { call: 'ListTasks page 3', instances: 100, tasks: 200, expected: { instances: 200, tasks: 400 } };

  it('is drawn only on a terminal, and never with --json', () => {
    expect(ProgressBar.wanted({ write: () => true, isTTY: true }, false)).toBe(true);
    expect(ProgressBar.wanted({ write: () => true, isTTY: true }, true)).toBe(false);
    expect(ProgressBar.wanted({ write: () => true }, false)).toBe(false);
  });

  it('redraws one line in place, at most every few frames, and clears it at the end', () => {
    const written: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ write: (text: string) => written.push(text), isTTY: true, columns: 120 }, 'prod', () => now);
    bar.update(progress);
    now += 10;
    bar.update({ ...progress, tasks: 250 }); // too soon: skipped
    now += 100;
    bar.update({ ...progress, tasks: 300 });
    bar.done();
    expect(written).toHaveLength(3);
    expect(written[0]).toBe('\r\x1b[2Kloading prod [##########----------] 50%  100/200 instances  200/400 tasks  ListTasks page 3');
    expect(written[1]).toContain('300/400 tasks');
    expect(written[2]).toBe('\r\x1b[2K');
  });

  it('never claims 100% before the load ends, and fits the terminal', () => {
    expect(renderProgress('prod', { ...progress, instances: 200, tasks: 450 }, 200)).toContain('[###################-] 99%');
    expect(renderProgress('prod', progress, 30)).toHaveLength(29);
    expect(renderProgress('prod', { call: 'DescribeClusters', instances: 0, tasks: 0 }, 200)).toBe('loading prod  0 instances  0 tasks  DescribeClusters');
  });
});

describe('command line', () => {
  it('takes options before or after the command, and refuses options the command does not take', () => {
    const parsed = parseCommandLine(['--json', 'query', '--cluster', 'prod', 'SELECT 1']);
    expect(parsed).toMatchObject({ command: 'query', positionals: ['SELECT 1'], flags: { json: true, cluster: 'prod' } });
    expect(() => onlyOptions('query', parsed.given, ['cluster'])).not.toThrow();
    expect(() => onlyOptions('validate', parseCommandLine(['validate', '--out', 'x']).given, ['config'])).toThrow('validate does not take --out');
    expect(() => parseCommandLine(['plan', '--bogus'])).toThrow("Unknown option '--bogus'");
  });

  it('treats only loopback endpoints as local (dummy credentials)', () => {
    expect(isLoopback(new URL('http://127.0.0.1:4566'))).toBe(true);
    expect(isLoopback(new URL('http://localhost:4566'))).toBe(true);
    expect(isLoopback(new URL('http://[::1]:4566'))).toBe(true);
    expect(isLoopback(new URL('https://ecs.us-east-1.amazonaws.com'))).toBe(false);
    expect(isLoopback(new URL('http://127.example.com'))).toBe(false);
  });
});

describe('rules from the config', () => {
  it('send ECS the configured cluster ARN, which pins the account and Region, else the name', () => {
    const config = {
      clusters: { prod: {}, legacy: { arn: 'arn:aws:ecs:eu-west-1:210987654321:cluster/legacy-prod' } },
      daemons: [{ name: 'agent', cluster: 'prod', taskDefinition: 'agent' }],
      crons: [{ name: 'report', cluster: 'legacy', taskDefinition: 'report', schedule: 'rate(1 hour)' }],
    };
    expect(findRule(config, 'agent').rule.cluster).toBe('prod');
    expect(findRule(config, 'report').rule.cluster).toBe('arn:aws:ecs:eu-west-1:210987654321:cluster/legacy-prod');
  });
});

describe('confirm', () => {
  async function answer(text: string): Promise<{ yes: boolean; asked: string }> {
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    let asked = '';
    stderr.on('data', (chunk: Buffer) => (asked += chunk.toString()));
    const pending = confirm('Run it?', { stdin, stderr });
    stdin.write(text);
    return { yes: await pending, asked };
  }

  it('asks on stderr and takes only y or yes as a yes', async () => {
    expect(await answer('y\n')).toEqual({ yes: true, asked: 'Run it? [y/N] ' });
    expect((await answer('YES\n')).yes).toBe(true);
    expect((await answer('\n')).yes).toBe(false);
    expect((await answer('no\n')).yes).toBe(false);
  });

  it('takes input that ends before an answer (Ctrl-D) as a no', async () => {
    const stdin = new PassThrough();
    const pending = confirm('Run it?', { stdin, stderr: new PassThrough() });
    stdin.end();
    expect(await pending).toBe(false);
  });
});
