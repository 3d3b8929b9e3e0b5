import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import config from '../scheduler.config.js';
import { loadConfig } from '../shared/config/index.js';
import { SchedulersStack } from './stack.js';

// Synthesizes offline with no credentials: the stack is environment-agnostic unless `cdk deploy`
// supplies the deployer's account and Region (or the config names a Region).
const app = new App();
// An at() schedule already past is refused at synth: it would deploy a rule that never runs.
const validated = loadConfig(config, { now: new Date() });
new SchedulersStack(app, 'EcsSchedulers', {
  config: validated,
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: validated.region ?? process.env.CDK_DEFAULT_REGION,
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
