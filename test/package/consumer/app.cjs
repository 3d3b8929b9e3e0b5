// An existing JavaScript CDK app (CommonJS, as `cdk init --language javascript` makes it) that
// installed the package: the whole stack from a config given inline.
const { App } = require('aws-cdk-lib');
const { SchedulersStack, defineConfig, loadConfig } = require('ecs-shared-state-schedulers');

const app = new App({ outdir: process.argv[2] });
const config = defineConfig({
  clusters: { prod: {} },
  daemons: [{ name: 'node-exporter', cluster: 'prod', taskDefinition: 'node-exporter' }],
  crons: [{ name: 'nightly', cluster: 'prod', taskDefinition: 'nightly', schedule: 'cron(0 2 * * ? *)' }],
});
new SchedulersStack(app, 'Schedulers', { config: loadConfig(config), env: { account: '111122223333', region: 'us-east-1' } });
app.synth();
