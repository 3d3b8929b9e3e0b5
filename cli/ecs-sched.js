#!/usr/bin/env node
// The `ecs-sched` bin. The CLI is TypeScript, run with tsx as the rest of the project is: this
// launcher registers tsx's loaders in this same process, ESM and CommonJS (what `node --import
// tsx` does, through tsx's documented register APIs), then imports cli/index.ts. One process, no
// build step, and tsx is resolved from this file's folder (the project's node_modules), whatever
// the working directory. Both loaders are needed: a config file outside a "type": "module"
// package is CommonJS-scoped TypeScript, which the ESM loader alone cannot import.
import process from 'node:process';

// The AWS SDK warns on every run under Node 20 that its releases after January 2027 will need
// Node 22. The project supports Node 20.19+; the warning would only clutter stderr, which scripts
// read for errors. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let loaders;
try {
  loaders = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
} catch {
  process.stderr.write('ecs-sched: error: tsx is not installed; it runs the CLI and is a devDependency\n  hint: run `npm ci` in the project (not with --omit=dev)\n');
  process.exit(2);
}
for (const loader of loaders) loader.register();
await import('./index.ts');
