import { afterEach, describe, expect, it } from 'vitest';
import { orphanedCopies } from '../../shared/rules/orphans.js';
import { Snapshot } from '../../shared/state/snapshot.js';
import { CLUSTER, instanceFixture, taskFixture } from '../support/fixtures.js';

const A = instanceFixture('a');
const config = {
  daemons: [
    { name: 'exporter', cluster: 'prod', taskDefinition: 'exporter' },
    { name: 'elsewhere', cluster: 'staging', taskDefinition: 'exporter' },
  ],
  crons: [{ name: 'report', cluster: 'prod', taskDefinition: 'report', schedule: 'rate(1 hour)' }],
};

let snapshot: Snapshot | undefined;
afterEach(() => snapshot?.close());

async function orphansAmong(startedBy: Array<string | undefined>, overrides: Parameters<typeof taskFixture>[1] = {}) {
  snapshot = await Snapshot.create(CLUSTER, { kind: 'all' });
  snapshot.putInstances([A]);
  snapshot.putTasks(startedBy.map((key, i) => taskFixture(`t${i}`, { containerInstanceArn: A.arn, startedBy: key, ...overrides })));
  return orphanedCopies(snapshot, config, 'prod').map((orphan) => `${orphan.kind} ${orphan.rule} ${orphan.startedBy}`);
}

describe('orphanedCopies', () => {
  it('lists the copies of rules the config no longer has on this cluster, and nothing else', async () => {
    const orphans = await orphansAmong([
      'daemon/exporter', // configured
      'cron/report/t5l3k0', // configured, a slot's run
      'cron/report/t5l3k0/2', // configured, a retry
      'daemon/old-exporter', // renamed away
      'cron/gone/t5l3k0/3', // removed
      'daemon/elsewhere', // its rule runs on another cluster
      'cron/exporter/t5l3k0', // a daemon's name is not a cron rule
      'ecs-svc/1234', // not ours
      undefined,
    ]);
    expect(orphans).toEqual([
      'daemon old-exporter daemon/old-exporter',
      'daemon elsewhere daemon/elsewhere',
      'cron gone cron/gone/t5l3k0/3',
      'cron exporter cron/exporter/t5l3k0',
    ]);
  });

  it('leaves out tasks already on their way out', async () => {
    expect(await orphansAmong(['daemon/old-exporter'], { desiredStatus: 'STOPPED' })).toEqual([]);
  });

  it('names where each copy runs', async () => {
    await orphansAmong(['daemon/old-exporter']);
    expect(orphanedCopies(snapshot!, config, 'prod')[0]).toMatchObject({ containerInstanceArn: A.arn, ec2InstanceId: A.ec2InstanceId, lastStatus: 'RUNNING' });
  });
});
