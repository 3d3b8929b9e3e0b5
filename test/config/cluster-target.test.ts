import { describe, expect, it } from 'vitest';
import { clusterTarget } from '../../shared/config/cluster-target.js';

const clusters = {
  prod: {},
  legacy: { arn: 'arn:aws:ecs:eu-west-1:210987654321:cluster/legacy-prod' },
  china: { arn: 'arn:aws-cn:ecs:cn-north-1:123456789012:cluster/prod_cn' },
};

describe('clusterTarget: what a rule\'s cluster key stands for', () => {
  it('a key without an ARN is the cluster\'s name, sent as is, wherever the caller runs', () => {
    expect(clusterTarget({ clusters }, 'prod')).toEqual({ name: 'prod', reference: 'prod' });
  });

  it('an arn: override gives the ECS name, the ARN to send, and its Region and account', () => {
    expect(clusterTarget({ clusters }, 'legacy')).toEqual({
      name: 'legacy-prod',
      reference: 'arn:aws:ecs:eu-west-1:210987654321:cluster/legacy-prod',
      region: 'eu-west-1',
      account: '210987654321',
    });
    expect(clusterTarget({ clusters }, 'china')).toMatchObject({ name: 'prod_cn', region: 'cn-north-1', account: '123456789012' });
  });

  it('refuses an ARN that validation would have refused', () => {
    expect(() => clusterTarget({ clusters: { odd: { arn: 'arn:aws:ecs:eu-west-1:210987654321:task/odd' } } }, 'odd')).toThrow(
      'Cluster "odd": "arn:aws:ecs:eu-west-1:210987654321:task/odd" is not a cluster ARN',
    );
  });
});
