import { ArnFormat, Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * The name every alarm of a stack's Operations starts with: the stack's name and a slash, which no
 * stack name contains, so no other stack's alarm matches the ARN pattern the topic and key allow.
 */
export function alarmNamePrefix(scope: Construct): string {
  return `${Stack.of(scope).stackName}/`;
}

/**
 * The topic alarms are sent to, encrypted with a customer-managed key of its own (rotated
 * yearly), a sibling named `<id>Key`. CloudWatch cannot publish to a topic encrypted with the
 * AWS-managed key alias/aws/sns, whose key policy cannot be changed, nor to a topic whose policy
 * does not allow it: here the topic policy allows cloudwatch.amazonaws.com to publish, and the key
 * policy to use the key, both only for alarms of this account whose name starts with the stack's
 * prefix (see alarmNamePrefix). The topic is TLS-only: its policy also denies any publish without
 * TLS. A Topic itself, so a stack that had a plain topic at this id keeps it, and its
 * subscriptions, when it upgrades.
 */
export class AlarmTopic extends Topic {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    const key = new Key(scope, `${id}Key`, { description: `Encrypts the alarm topic of ${Stack.of(scope).stackName}`, enableKeyRotation: true });
    super(scope, id, { displayName: 'ECS scheduler alarms', masterKey: key, enforceSSL: true });
    this.key = key;
    const stack = Stack.of(this);
    const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${alarmNamePrefix(this)}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // The grant writes both: sns:Publish in the topic policy, kms:Decrypt and kms:GenerateDataKey* in the key policy.
    this.grantPublish(
      new ServicePrincipal('cloudwatch.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': alarms },
      }),
    );
  }
}
