import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { bundleHandler } from '../infra/bundling.js';
import { median, round } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const RUNS = 5;

/** Each handler with the environment its stack gives it, and the files its layers would hold (written beside the bundle, not in it). */
const FUNCTIONS: Array<{ name: string; entry: string; env: Record<string, string>; files?: Record<string, string> }> = [
  { name: 'daemon', entry: 'lambdas/daemon.ts', env: { DAEMON_RULE: JSON.stringify({ name: 'bench', cluster: 'prod', taskDefinition: 'node-exporter' }) } },
  {
    name: 'cron',
    entry: 'lambdas/cron.ts',
    env: { CRON_RULES_FILE: 'cron-rules.json', LEDGER_TABLE_NAME: 'bench-runs' },
    files: { 'cron-rules.json': JSON.stringify([{ name: 'bench', cluster: 'prod', taskDefinition: 'report', schedule: 'cron(0 2 * * ? *)' }]) },
  },
];

/**
 * Bundles each handler as the stack does (SCHEDULER_BUNDLING, sql.js's wasm beside it), zips it
 * as Lambda receives it, and times a cold start: in 5 fresh Node processes, loading the bundle
 * until its SQLite is compiled (the function's init phase). Reports the median.
 */
export async function coldstartBench(): Promise<object> {
  const functions = [];
  for (const fn of FUNCTIONS) {
    const dir = await mkdtemp(join(tmpdir(), `coldstart-${fn.name}-`));
    const layer = await mkdtemp(join(tmpdir(), `coldstart-${fn.name}-layer-`));
    try {
      for (const [file, text] of Object.entries(fn.files ?? {})) await writeFile(join(layer, file), text);
      bundleHandler(join(ROOT, fn.entry), dir);
      const files: Record<string, Uint8Array> = {};
      for (const file of await readdir(dir)) files[file] = await readFile(join(dir, file));
      const zipBytes = zipSync(files, { level: 9 }).length;
      const timings: number[] = [];
      for (let run = 0; run < RUNS; run += 1) timings.push(await timeInit(join(dir, 'index.js'), inFolder(fn.env, layer, fn.files)));
      console.error(`${fn.name}: ${Object.keys(files).join(', ')}; init runs (ms): ${timings.map((t) => round(t)).join(' ')}`);
      functions.push({ name: fn.name, zipBytes, initMs: round(median(timings), 1) });
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(layer, { recursive: true, force: true });
    }
  }
  return { bench: 'coldstart', functions };
}

/** The environment, with each variable that names one of the layer's files pointing at it in the folder. */
function inFolder(env: Record<string, string>, folder: string, files: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value in files ? join(folder, value) : value]));
}

/** A fresh process: from require() of the bundle until SQLite is ready. */
async function timeInit(bundle: string, env: Record<string, string>): Promise<number> {
  const script = `const t=performance.now();const m=require(${JSON.stringify(bundle)});m.warmedUp.then(ok=>{if(!ok)process.exit(3);process.stdout.write(String(performance.now()-t))})`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', EVENT_BUS_NAME: 'default', POWERTOOLS_METRICS_DISABLED: 'true', ...env },
  });
  return Number(stdout);
}
