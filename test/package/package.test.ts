import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { daemonKey } from '../../shared/rules/daemon/rule.js';
import { cleanEnv } from '../cli/helpers.js';

/**
 * The package as a user gets it: `npm pack` (which builds it), the tarball installed into a fresh
 * CDK app beside aws-cdk-lib and constructs, a TypeScript app type-checked against the shipped
 * declarations and run with node, a CommonJS JavaScript app, both synthesized offline; the
 * installed `ecs-sched` run with plain node; and a prebuilt Lambda bundle invoked against the
 * emulator. Anything the tarball lacks makes one of these fail.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'ecs-sched-package-'));
const app = join(work, 'app');
let files: string[];

beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed!.files.map((file) => file.path);
  cpSync(join(ROOT, 'test/package/consumer'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const peers = ['aws-cdk-lib', 'constructs', '@types/node'].map((name) => `${name}@${installedVersion(name)}`);
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed!.filename), ...peers], { cwd: app, env: cleanEnv() });
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Our functions of a synthesized stack (handlers in index.js), each with the files of its code asset, from the stack's asset manifest. */
function functionAssets(outdir: string, stack: string): Record<string, string[]> {
  const template = JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { Handler: string; Code: { S3Key: string } } }>;
  };
  const manifest = JSON.parse(readFileSync(join(outdir, `${stack}.assets.json`), 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const assets: Record<string, string[]> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || !resource.Properties.Handler.startsWith('index.')) continue;
    const asset = manifest.files[resource.Properties.Code.S3Key.replace(/\.zip$/, '')]!.source.path;
    assets[`${id.replace(/[0-9A-F]{8}$/, '')} ${resource.Properties.Handler}`] = readdirSync(join(outdir, asset)).sort();
  }
  return assets;
}

/** A scheduler function's code: the bundle, sql.js's WebAssembly and the package.json that says CommonJS. */
const WITH_SQLITE = ['index.js', 'package.json', 'sql-wasm.wasm'];
const WITHOUT_SQLITE = ['index.js', 'package.json'];

describe('the packed package', () => {
  it('holds the built library, declarations, prebuilt bundles, the CLI and the docs, and no sources or tests', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/infra/index.js',
        'dist/infra/index.d.ts',
        'dist/shared/config/index.d.ts',
        'dist/emulator/index.js',
        'dist/emulator/README.md',
        'dist/cli/index.js',
        'dist/lambda-assets/daemon/index.js',
        'dist/lambda-assets/daemon/sql-wasm.wasm',
        'dist/lambda-assets/cron/index.js',
        'dist/lambda-assets/cron/sql-wasm.wasm',
        'dist/lambda-assets/removal/index.js',
        'cli/ecs-sched.js',
        'README.md',
        'CHANGELOG.md',
        'package.json',
      ]),
    );
    const unwanted = files.filter((path) => /^(test|bench|local\/(?!ledger|dynalite)|scripts)\//.test(path) || /\.map$/.test(path) || (/\.ts$/.test(path) && !/\.d\.ts$/.test(path)));
    expect(unwanted).toEqual([]);
  });

  it('type-checks a TypeScript CDK app against its declarations, which then synthesizes offline', async () => {
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app });
    const outdir = join(work, 'ts.out');
    await run(process.execPath, [join(app, 'built/app.js'), outdir], { cwd: app, env: cleanEnv() });
    // Each function's code is the prebuilt bundle with sql.js's WebAssembly: nothing bundled at synth.
    expect(functionAssets(outdir, 'Mine')).toEqual({
      'AgentReconcile index.handler': WITH_SQLITE,
      'ReportRunnerRun index.handler': WITH_SQLITE,
      'RuleRemovalProvideronEvent index.onEvent': WITHOUT_SQLITE,
      'RuleRemovalProviderisComplete index.isComplete': WITHOUT_SQLITE,
    });
    expect(Object.keys(functionAssets(outdir, 'FromConfig'))).toHaveLength(4);
  }, 240_000);

  it('synthesizes a CommonJS JavaScript CDK app offline', async () => {
    const outdir = join(work, 'js.out');
    await run(process.execPath, [join(app, 'app.cjs'), outdir], { cwd: app, env: cleanEnv() });
    const contents = Object.values(functionAssets(outdir, 'Schedulers')).map((files) => files.join(' '));
    expect(contents.sort()).toEqual([WITH_SQLITE, WITH_SQLITE, WITHOUT_SQLITE, WITHOUT_SQLITE].map((files) => files.join(' ')).sort());
  }, 240_000);

  it('installs an ecs-sched that runs on plain node and reads a TypeScript config', async () => {
    const bin = join(app, 'node_modules/.bin/ecs-sched');
    const help = await run(process.execPath, [bin, '--help'], { cwd: app, env: cleanEnv() });
    expect(help.stdout).toMatch(/^ecs-sched: shared-state schedulers for Amazon ECS/);
    const valid = await run(process.execPath, [bin, 'validate', '--config', 'scheduler.config.ts'], { cwd: app, env: cleanEnv() });
    expect(valid.stdout).toBe('scheduler.config.ts: valid: 1 cluster, 1 daemon rule, 1 cron rule\n');
    expect(existsSync(join(app, 'node_modules/ecs-shared-state-schedulers/cli/index.ts'))).toBe(false);
  });
});

describe('a prebuilt Lambda bundle', () => {
  let emulator: Emulator;
  let bus: Server;
  const published: string[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ randomSeed: 21 });
    // EventBridge's PutEvents, answered as the service does; the bodies are kept.
    bus = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        published.push(body);
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        response.end(JSON.stringify({ FailedEntryCount: 0, Entries: [] }));
      });
    });
    await new Promise<void>((resolve) => bus.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise((resolve) => bus.close(resolve));
  });

  it('reconciles a daemon rule against the emulator, as the deployed function would', async () => {
    emulator.admin.createCluster('prod');
    emulator.admin.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 128, memory: 128 }] });
    for (let i = 0; i < 2; i++) emulator.admin.registerInstance({ cluster: 'prod', cpu: 1024, memory: 2048 });
    const rule = { name: 'agent', cluster: 'prod', taskDefinition: 'agent' };
    const bundle = join(app, 'node_modules/ecs-shared-state-schedulers/dist/lambda-assets/daemon/index.js');
    const invoke = `
      const { handler } = require(${JSON.stringify(bundle)});
      const record = { messageId: 'm1', body: JSON.stringify({ kind: 'sweep', rule: 'agent', at: new Date().toISOString() }) };
      handler({ Records: [record] }, { getRemainingTimeInMillis: () => 60000 }).then(() => console.log('done'), (error) => { console.error(error); process.exit(1); });`;
    const { stdout } = await run(process.execPath, ['-e', invoke], {
      env: cleanEnv({
        DAEMON_RULE: JSON.stringify(rule),
        EVENT_BUS_NAME: 'default',
        AWS_REGION: emulator.region,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_ECS: emulator.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${(bus.address() as AddressInfo).port}`,
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      }),
    });
    expect(stdout.trim().split('\n').at(-1)).toBe('done');
    expect(emulator.admin.listTasks('prod', { startedBy: daemonKey(rule) })).toHaveLength(2);
    expect(published.join('\n')).toContain('Daemon Reconciled');
  });
});
