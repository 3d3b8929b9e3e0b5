import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every scheduler function is bundled, shared by the construct and the cold-start benchmark
 * so the benchmark measures what is deployed:
 * - CommonJS, because sql.js's dynamic requires break under ESM output;
 * - the AWS SDK bundled rather than taken from the runtime, because the StartTask retry guard
 *   relies on the middleware behaviour of the exact version the tests ran against;
 * - minified, without a source map: the zip must stay under 600 KB, of which sql.js's WebAssembly
 *   takes 336 KB; a map would add about 200 KB and keeping names 11 KB. Errors carry our own
 *   descriptive messages, which is what the logs and events show.
 */
export const SCHEDULER_BUNDLING = {
  format: OutputFormat.CJS,
  minify: true,
  sourceMap: false,
  externalModules: [] as string[],
} satisfies BundlingOptions;

/** sql.js loads its WebAssembly from beside the bundle. */
export const SQL_WASM = 'node_modules/sql.js/dist/sql-wasm.wasm';
