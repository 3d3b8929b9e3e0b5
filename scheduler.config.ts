// The schedulers `cdk deploy` sets up: edit this file, then deploy. It is validated when the app
// synthesizes, and every mistake is reported at once, naming the rule and the field.
import { defineConfig } from './shared/config/index.js';

export default defineConfig({
  // region and eventBusName are left to their defaults: the deploy environment's Region, and the
  // account's default event bus for run results.
  clusters: {
    prod: {},
  },

  daemons: [
    {
      // A Prometheus node exporter on every Linux instance, except the staging stack's.
      name: 'node-exporter',
      cluster: 'prod',
      taskDefinition: 'node-exporter',
      constraint: 'attribute:ecs.os-type == linux and attribute:stack != staging',
      // Roll a new task definition revision over a quarter of the instances at a time.
      maxUnavailable: '25%',
      tags: { team: 'platform' },
    },
  ],

  crons: [
    {
      // The daily report at 02:00 New York time, daylight saving included.
      name: 'nightly-report',
      cluster: 'prod',
      taskDefinition: 'nightly-report',
      schedule: 'cron(0 2 * * ? *)',
      timeZone: 'America/New_York',
      // A report still running from last night must finish alone; it is stopped after an hour.
      overlapPolicy: 'Forbid',
      maxRunSeconds: 3600,
      placement: {
        // Away from the zones already running it, then onto the fullest instance that fits.
        strategy: [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'binpack', field: 'memory' },
        ],
      },
      tags: { team: 'analytics' },
    },
    {
      // Two copies on two different instances refresh the cache every quarter hour; a run still
      // going when the next slot comes is stale, so the new one replaces it.
      name: 'cache-warmer',
      cluster: 'prod',
      taskDefinition: 'cache-warmer',
      schedule: 'rate(15 minutes)',
      overlapPolicy: 'Replace',
      count: 2,
      // A warm-up that fails (a copy exits non-zero) is tried again a minute later, then two.
      retries: 2,
      retryDelaySeconds: 60,
      placement: {
        constraints: [{ type: 'distinctInstance' }],
      },
    },
  ],
});

// Local mode only (`npm start`, `ecs-sched emulator`): the size the emulator gives each task
// definition, which in AWS are your own. A family left out gets one container named after it,
// 256 CPU units and 512 MiB; hostPorts registers it in host network mode with those ports.
export const local = {
  taskDefinitions: {
    'node-exporter': { cpu: 128, memory: 128, hostPorts: [9100] },
    'nightly-report': { cpu: 1024, memory: 2048 },
    'cache-warmer': { cpu: 256, memory: 512 },
  },
};
