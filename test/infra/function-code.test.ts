import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_FILES, functionCode } from '../../infra/function-code.js';
import { Function, Runtime } from 'aws-cdk-lib/aws-lambda';

describe('functionCode, bundled at synth', () => {
  it('gives each function file its own bundle, exporting its own handlers', () => {
    // Bundling on, as `cdk synth` and `cdk deploy` run it (the other infra tests skip it).
    const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Bundles');
    for (const file of FUNCTION_FILES) new Function(stack, file, { code: functionCode(file), handler: 'index.handler', runtime: Runtime.NODEJS_24_X });
    const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const keys = Object.values(resources).map((fn) => (fn as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key);
    expect(new Set(keys).size).toBe(FUNCTION_FILES.length);

    const assembly = app.synth();
    const bundle = (file: string) => {
      const id = Object.keys(resources).find((logicalId) => logicalId.startsWith(file.replace(/\W/g, '')))!;
      const asset = (resources[id] as { Metadata: Record<string, string> }).Metadata['aws:asset:path']!;
      return readFileSync(join(assembly.directory, asset, 'index.js'), 'utf8');
    };
    // Each bundle is the one of its file: the removal bundle has the provider's handlers, the others a handler.
    expect(bundle('removal.ts')).toMatch(/isComplete/);
    expect(bundle('daemon.ts')).not.toMatch(/isComplete/);
    expect(bundle('cron.ts')).not.toEqual(bundle('daemon.ts'));
  });
});
