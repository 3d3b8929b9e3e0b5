// A user's config, as in an app that installed the package: the config entry point brings
// defineConfig and its types without aws-cdk-lib.
import { defineConfig } from 'ecs-shared-state-schedulers/config';

export default defineConfig({
  region: 'eu-west-1',
  clusters: { prod: {} },
  daemons: [{ name: 'log-router', cluster: 'prod', taskDefinition: 'log-router', maxUnavailable: '25%' }],
  crons: [{ name: 'billing-export', cluster: 'prod', taskDefinition: 'billing-export:4', schedule: 'cron(30 1 * * ? *)', timeZone: 'Europe/Paris', retries: 1 }],
});
