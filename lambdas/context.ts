import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createEcsClient } from '../shared/ecs/client.js';
import { systemClock, type HandlerContext } from '../shared/handlers/context.js';
import { EventBridgePublisher } from '../shared/report/publisher.js';
import { requiredEnv } from './environment.js';

/** The part of a handler's context that lives as long as the warm function: clients, telemetry, the real clock. */
export type FunctionContext = Omit<HandlerContext, 'remainingTimeMs'>;

/** Built once per function instance, at init. */
export function functionContext(): FunctionContext {
  return {
    ecs: createEcsClient(),
    publisher: new EventBridgePublisher(new EventBridgeClient({}), requiredEnv('EVENT_BUS_NAME')),
    logger: new Logger(),
    metrics: new Metrics(),
    ...systemClock,
  };
}

/** The part that belongs to one invocation: the time its Lambda has left. */
export function invocationTime(lambda: Pick<Context, 'getRemainingTimeInMillis'>): Pick<HandlerContext, 'remainingTimeMs'> {
  return { remainingTimeMs: () => lambda.getRemainingTimeInMillis() };
}
