import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { CronRule } from '../shared/rules/cron/rule.js';

/** Where a runner's function finds its rules: a layer's files are under /opt. */
export const CRON_RULES_FILE = '/opt/ecs-schedulers/cron-rules.json';

/**
 * A layer holding the rules a cron runner serves, as `ecs-schedulers/cron-rules.json`. Not the
 * environment: Lambda allows 4 KB for all of a function's variables, about a dozen rules. The
 * file is written at synth into a folder of its own; the asset's hash is its content's, so
 * unchanged rules keep the same asset and layer version.
 */
export function cronRulesLayer(scope: Construct, id: string, rules: readonly CronRule[]): LayerVersion {
  const folder = mkdtempSync(join(tmpdir(), 'ecs-schedulers-cron-rules-'));
  mkdirSync(join(folder, 'ecs-schedulers'));
  writeFileSync(join(folder, 'ecs-schedulers', 'cron-rules.json'), JSON.stringify(rules));
  return new LayerVersion(scope, id, {
    code: Code.fromAsset(folder),
    description: `The cron rules of cluster ${rules[0]?.cluster ?? ''} (${rules.length})`,
  });
}
