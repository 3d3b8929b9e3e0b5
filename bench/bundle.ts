import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SCHEDULER_BUNDLING, SQL_WASM } from '../infra/bundling.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles an entry point (relative to the repository) as the stack bundles a function
 * (SCHEDULER_BUNDLING), into `dir`/index.js with sql.js's WebAssembly beside it; returns the
 * bundle's path. A bundled process starts in a fraction of the time tsx takes.
 */
export async function bundleFunction(entry: string, dir: string): Promise<string> {
  const outfile = join(dir, 'index.js');
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: SCHEDULER_BUNDLING.format,
    minify: SCHEDULER_BUNDLING.minify,
    sourcemap: SCHEDULER_BUNDLING.sourceMap,
    external: SCHEDULER_BUNDLING.externalModules,
    logLevel: 'error',
  });
  await copyFile(join(ROOT, SQL_WASM), join(dir, 'sql-wasm.wasm'));
  return outfile;
}
