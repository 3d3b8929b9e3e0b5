import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createEcsClient } from '../shared/ecs/client.js';
import { checkRemoval } from '../shared/handlers/removal/handle.js';
import { removalTermsFrom } from '../shared/handlers/removal/terms.js';

const context = { ecs: createEcsClient(), logger: new Logger() };

/**
 * The rule's removal resource, for the CDK custom resource provider: acting happens in
 * isComplete, so a daemon's copies can stop a batch per check. The physical id never changes for
 * a rule: a new one would make CloudFormation delete the old resource, and stop the copies.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  const terms = removalTermsFrom(event.ResourceProperties);
  return { PhysicalResourceId: event.RequestType === 'Create' ? `ecs-schedulers/${terms.kind}/${terms.rule}` : event.PhysicalResourceId };
}

/** Create and Update change nothing in the cluster; Delete (the rule left the stack) checks the removal once. */
export async function isComplete(event: CloudFormationCustomResourceEvent): Promise<{ IsComplete: boolean }> {
  if (event.RequestType !== 'Delete') return { IsComplete: true };
  const { done } = await checkRemoval(removalTermsFrom(event.ResourceProperties), context);
  return { IsComplete: done };
}
