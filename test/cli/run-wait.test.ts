import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { ecsSched, writeConfig } from './helpers.js';

/**
 * `run --wait`: a daemon's rollout followed to the end at its maxUnavailable pace, and a cron
 * run's copies followed until RUNNING or STOPPED. Cluster "roll": 8 instances.
 */
let emulator: Emulator;
const at = () => ['--endpoint', emulator.endpoint];
const agent = (revision: number) => ({ family: 'roll-agent', containerDefinitions: [{ name: 'agent', image: `example/agent:${revision}`, cpu: 128, memory: 128 }] });

beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 9 });
  emulator.admin.createCluster('roll');
  for (let i = 0; i < 8; i += 1) emulator.admin.registerInstance({ cluster: 'roll', cpu: 2048, memory: 4096 });
  emulator.admin.registerTaskDefinition(agent(1));
});

afterAll(() => emulator.close());

describe('run --wait', () => {
  it('rolls a daemon out to a new revision at 25%, never more than 2 of 8 instances without a running copy', async () => {
    const config = writeConfig('roll.json', { clusters: { roll: {} }, daemons: [{ name: 'roll-agent', cluster: 'roll', taskDefinition: 'roll-agent', maxUnavailable: '25%' }] });
    expect((await ecsSched(['run', 'roll-agent', '--yes', '--wait', '--config', config, ...at()])).code).toBe(0);
    emulator.admin.registerTaskDefinition(agent(2));

    // The emulator's own count of running copies, after every change it makes.
    let fewest = 8;
    emulator.onEvent(() => {
      const running = emulator.admin.listTasks('roll', { startedBy: 'daemon/roll-agent', lastStatus: 'RUNNING' }).filter((task) => task.desiredStatus === 'RUNNING').length;
      fewest = Math.min(fewest, running);
    });
    const { code, stdout } = await ecsSched(['run', 'roll-agent', '--yes', '--wait', '--config', config, ...at()]);
    expect(stdout).toMatch(/stopped 2:\n {4}2 copies: replacing roll-agent:1 with roll-agent:2/);
    expect(stdout).toMatch(/Waiting for daemon roll-agent rollout to finish: 2 of 8 updated/);
    expect(stdout).toMatch(/Waiting for daemon roll-agent rollout to finish: 6 of 8 updated/);
    expect(stdout.trim().split('\n').at(-1)).toBe('daemon roll-agent successfully rolled out: 8 of 8 instances run roll-agent:2');
    expect(code).toBe(0);
    expect(fewest).toBe(6);
    const copies = emulator.admin.listTasks('roll', { startedBy: 'daemon/roll-agent', desiredStatus: 'RUNNING' });
    expect(copies.map((task) => task.taskDefinitionArn.split('/').pop())).toEqual(Array(8).fill('roll-agent:2'));
  });

  it('follows a cron run\'s copies until RUNNING, and a --timeout without --wait is a usage error', async () => {
    const config = writeConfig('roll-cron.json', { clusters: { roll: {} }, crons: [{ name: 'roll-job', cluster: 'roll', taskDefinition: 'roll-agent', schedule: 'rate(1 hour)', count: 2 }] });
    const { code, stdout } = await ecsSched(['run', 'roll-job', '--yes', '--wait', '--timeout', '60', '--config', config, ...at()]);
    expect(stdout).toMatch(/started 2 copies/);
    expect(stdout.match(/^task \w+: RUNNING$/gm)).toHaveLength(2);
    expect(code).toBe(0);

    const usage = await ecsSched(['run', 'roll-job', '--yes', '--timeout', '60', '--config', config, ...at()]);
    expect(usage.stderr).toContain('--timeout goes with --wait');
    expect(usage.code).toBe(2);
  });

  it('stops waiting, exit 1, when ECS refuses every start: trying again would only repeat it', async () => {
    emulator.admin.createCluster('refused');
    emulator.admin.registerInstance({ cluster: 'refused', cpu: 2048, memory: 4096 });
    const restore = emulator.failCalls({ operation: 'StartTask', error: { type: 'AccessDeniedException', message: 'not authorized to perform: iam:PassRole' } });
    try {
      const config = writeConfig('refused.json', { clusters: { refused: {} }, daemons: [{ name: 'refused-agent', cluster: 'refused', taskDefinition: 'roll-agent' }] });
      const { code, stdout } = await ecsSched(['run', 'refused-agent', '--yes', '--wait', '--config', config, ...at()]);
      expect(stdout).toMatch(/stopped waiting: the reconcile changed nothing: .*AccessDenied/);
      expect(code).toBe(1);
    } finally {
      restore();
    }
  });
});
