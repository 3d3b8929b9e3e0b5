#!/usr/bin/env node
// The `ecs-sched` bin. In the installed package it runs the built CLI (dist/cli/index.js) with
// plain Node. In this repository, where the TypeScript sources sit beside this file, it runs them
// instead, through tsx's loaders registered in this same process (what `node --import tsx` does;
// ESM and CommonJS both, through tsx's documented register APIs), so a stale dist/ is never run.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

// The AWS SDK warns on every run under Node 20 that its releases after January 2027 will need
// Node 22. The project supports Node 20.19+; the warning would only clutter stderr, which scripts
// read for errors. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (existsSync(new URL('./index.ts', import.meta.url))) {
  const loaders = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  for (const loader of loaders) loader.register();
  await import('./index.ts');
} else {
  await import('../dist/cli/index.js');
}
