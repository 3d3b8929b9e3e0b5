import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';

interface FunctionResource {
  Properties: { Environment?: { Variables: Record<string, string> }; Layers?: Array<{ Ref: string }>; Timeout: number };
}

/** The cron runners of a synthesized stack: each function that reads its rules from a file, with those rules as staged in its layer. */
export function runnerRules(app: App, template: Template): Array<{ fn: FunctionResource; rules: unknown[] }> {
  const layers = template.findResources('AWS::Lambda::LayerVersion') as Record<string, { Properties: { Content: { S3Key: string } } }>;
  return (Object.values(template.findResources('AWS::Lambda::Function')) as FunctionResource[])
    .filter((fn) => fn.Properties.Environment?.Variables.CRON_RULES_FILE !== undefined)
    .map((fn) => {
      const file = fn.Properties.Environment!.Variables.CRON_RULES_FILE!;
      const layer = layers[fn.Properties.Layers![0]!.Ref]!;
      const asset = `asset.${layer.Properties.Content.S3Key.replace(/\.zip$/, '')}`;
      // A layer's files are mounted under /opt.
      const staged = join(app.outdir, asset, file.replace(/^\/opt\//, ''));
      return { fn, rules: JSON.parse(readFileSync(staged, 'utf8')) as unknown[] };
    });
}
