import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { daemonRuleSchema } from '../shared/config/daemon.js';
import { createEcsClient } from '../shared/ecs/client.js';
import { handleDaemonBatch, type DaemonContext } from '../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../shared/handlers/daemon/memory.js';
import { EventBridgePublisher } from '../shared/report/publisher.js';
import { daemonKey } from '../shared/rules/daemon/rule.js';
import { requiredEnv, ruleFromEnv } from './environment.js';

// Module scope lives as long as the warm function: clients, and the memory of the last
// reconcile that lets covered events cost nothing.
const rule = ruleFromEnv('DAEMON_RULE', daemonRuleSchema);
const context: DaemonContext = {
  rule,
  ecs: createEcsClient(),
  memory: new DaemonMemory(daemonKey(rule)),
  publisher: new EventBridgePublisher(new EventBridgeClient({}), requiredEnv('EVENT_BUS_NAME')),
  logger: new Logger(),
  metrics: new Metrics(),
};

/** One batch of the daemon rule's FIFO queue. Throws when the reconcile fails, so SQS retries the batch. */
export async function handler(event: SQSEvent): Promise<void> {
  await handleDaemonBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    context,
  );
}
