import type * as Esbuild from 'esbuild';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * How every scheduler function is bundled, one source for the construct (at synth, in this
 * repository), the package build (prebuilt bundles shipped in the package) and the cold-start
 * benchmark, so the benchmark measures what is deployed:
 * - CommonJS, because sql.js's dynamic requires break under ESM output;
 * - the AWS SDK bundled rather than taken from the runtime, because the StartTask retry guard
 *   relies on the middleware behaviour of the exact version the tests ran against;
 * - minified, without a source map: the zip must stay under 600 KB, of which sql.js's WebAssembly
 *   takes 336 KB; a map would add about 200 KB and keeping names 11 KB. Errors carry our own
 *   descriptive messages, which is what the logs and events show.
 */
export const SCHEDULER_BUNDLING = {
  format: 'cjs',
  minify: true,
  sourcemap: false,
  platform: 'node',
  bundle: true,
  mainFields: ['module', 'main'],
  /** The Lambda runtime the functions run on (Runtime.NODEJS_24_X). */
  target: 'node24',
  logLevel: 'error',
} satisfies Esbuild.BuildOptions;

/** sql.js loads its WebAssembly from beside the bundle. */
const SQL_WASM = 'sql-wasm.wasm';

/**
 * Bundles one handler (a file of lambdas/) into `outDir` as Lambda runs it: `index.js` exporting
 * its handlers, sql.js's WebAssembly beside it if it uses sql.js, and a package.json that says the bundle is CommonJS
 * (inside the installed package, whose own package.json says "module", Node would read it as ESM). esbuild is loaded here, on demand: it is a build
 * tool of this repository, not something an installed package needs (its bundles are prebuilt).
 */
export function bundleHandler(entry: string, outDir: string): void {
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof Esbuild;
  const outfile = join(outDir, 'index.js');
  esbuild.buildSync({ ...SCHEDULER_BUNDLING, entryPoints: [entry], outfile });
  // Only a bundle that loads sql.js needs its 688 KB of WebAssembly.
  if (readFileSync(outfile, 'utf8').includes(SQL_WASM)) copyFileSync(require.resolve(`sql.js/dist/${SQL_WASM}`), join(outDir, SQL_WASM));
  writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
}
