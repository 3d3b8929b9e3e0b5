import { ArnFormat, Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The name every alarm of a stack's Operations starts with: the stack's name and a slash, which no
 * stack name contains, so no other stack's alarm matches the ARN pattern the topic and key allow.
 */
export function alarmNamePrefix(scope: Construct): string {
  return `${Stack.of(scope).stackName}/`;
}

/**
 * The topic alarms are sent to, encrypted with a customer-managed key of its own (rotated
 * yearly). CloudWatch cannot publish to a topic encrypted with the AWS-managed key alias/aws/sns,
 * whose key policy cannot be changed, nor to a topic whose policy does not allow it: here the topic
 * policy allows cloudwatch.amazonaws.com to publish, and the key policy to use the key, both only
 * for alarms of this account whose name starts with the stack's prefix (see alarmNamePrefix).
 * The topic is TLS-only: its policy also denies any publish without TLS.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', { description: `Encrypts the alarm topic of ${stack.stackName}`, enableKeyRotation: true });
    this.topic = new Topic(this, 'Topic', { displayName: 'ECS scheduler alarms', masterKey: this.key, enforceSSL: true });
    const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${alarmNamePrefix(this)}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // The grant writes both: sns:Publish in the topic policy, kms:Decrypt and kms:GenerateDataKey* in the key policy.
    this.topic.grantPublish(
      new ServicePrincipal('cloudwatch.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': alarms },
      }),
    );
  }
}
