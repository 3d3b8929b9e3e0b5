import { App } from 'aws-cdk-lib';
import { SchedulersStack } from './stack.js';

// Synthesizes offline with no credentials: the stack is environment-agnostic unless the
// deployer's CDK_DEFAULT_ACCOUNT/REGION are set by `cdk deploy`.
const app = new App();
new SchedulersStack(app, 'EcsSchedulers', {
  env: process.env.CDK_DEFAULT_ACCOUNT
    ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
    : undefined,
});
app.synth();
