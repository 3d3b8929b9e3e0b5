/**
 * `npm run build` (and `npm pack`, through prepack): the package as users install it.
 *
 * 1. tsc emits JavaScript and declarations into dist/ (tsconfig.build.json): the constructs, the
 *    config helpers, the emulator and the CLI, with everything they import.
 * 2. Each Lambda handler is bundled into dist/lambda-assets/<name>/ exactly as a synth in this
 *    repository bundles it (infra/bundling.ts), so a user's `cdk synth` only copies a folder:
 *    no esbuild, no Docker, no network.
 * 3. emulator/README.md goes beside the emulator's entry point, which the package exports.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHandler } from '../infra/bundling.js';
import { bundleName, FUNCTION_FILES, PREBUILT_FOLDER } from '../infra/function-code.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');

rmSync(DIST, { recursive: true, force: true });
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const file of FUNCTION_FILES) {
  const outDir = join(DIST, PREBUILT_FOLDER, bundleName(file));
  mkdirSync(outDir, { recursive: true });
  bundleHandler(join(ROOT, 'lambdas', file), outDir);
}
copyFileSync(join(ROOT, 'emulator/README.md'), join(DIST, 'emulator/README.md'));
console.error(`built ${DIST}`);

