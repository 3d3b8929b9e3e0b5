import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The one stack that deploys every configured scheduler rule.
 * Daemon and cron rules are added to it as their constructs land.
 */
export class SchedulersStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
  }
}
