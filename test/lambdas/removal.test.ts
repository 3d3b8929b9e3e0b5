import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { isComplete, onEvent } from '../../lambdas/removal.js';

const TERMS = JSON.stringify({ kind: 'daemon', rule: 'exporter', cluster: 'prod' });

function event(requestType: 'Create' | 'Update', physicalId?: string): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/1',
    RequestId: 'r1',
    LogicalResourceId: 'Removal',
    ResourceType: 'Custom::EcsSchedulerRuleRemoval',
    ResourceProperties: { ServiceToken: 'x', Terms: TERMS },
    ...(physicalId !== undefined && { PhysicalResourceId: physicalId, OldResourceProperties: { ServiceToken: 'x', Terms: TERMS } }),
  } as CloudFormationCustomResourceEvent;
}

describe('the removal resource', () => {
  it('is named after its rule when created, and keeps its id on every update: a new id would make CloudFormation delete it', async () => {
    expect(await onEvent(event('Create'))).toEqual({ PhysicalResourceId: 'ecs-schedulers/daemon/exporter' });
    expect(await onEvent(event('Update', 'ecs-schedulers/daemon/exporter'))).toEqual({ PhysicalResourceId: 'ecs-schedulers/daemon/exporter' });
  });

  it('touches nothing in the cluster on create and update', async () => {
    expect(await isComplete(event('Create'))).toEqual({ IsComplete: true });
    expect(await isComplete(event('Update', 'ecs-schedulers/daemon/exporter'))).toEqual({ IsComplete: true });
  });
});
