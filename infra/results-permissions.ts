import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { EVENT_SOURCE } from '../shared/report/vocabulary.js';

/**
 * PutEvents on the results bus, only for the suite's own event source: the account's shared bus
 * must not take events a function makes up under another service's source. EventBus's grant
 * takes no condition, hence the statement. `events:source` holds the Source of every entry in
 * the call (one call may carry several), so ForAllValues requires each of them to be ours, and
 * the Null check refuses a request without the key, which ForAllValues alone would let through.
 */
export function grantPutResultEvents(grantee: IGrantable, bus: IEventBus): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'PutResultEvents',
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: {
        'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE] },
        Null: { 'events:source': 'false' },
      },
    }),
  );
}
