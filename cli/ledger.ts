import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalLedger, type LocalLedger } from '../local/ledger.js';
import { RunLedger } from '../shared/ledger/run-ledger.js';

export interface LedgerFlags {
  table?: string;
  region?: string;
}

/**
 * The run ledger a command reads or records in: the stack's table named by --table (its output
 * `RunLedgerTable`), through the SDK's standard chains, so `AWS_ENDPOINT_URL_DYNAMODB` points it at
 * a local DynamoDB-protocol server the way AWS_ENDPOINT_URL_ECS points ECS at the emulator.
 */
export function ledgerFor(flags: LedgerFlags, configRegion?: string): RunLedger | undefined {
  if (flags.table === undefined) return undefined;
  const region = flags.region ?? configRegion ?? process.env.AWS_REGION;
  const local = process.env.AWS_ENDPOINT_URL_DYNAMODB !== undefined && /^https?:\/\/(127\.|localhost|\[::1\])/.test(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  const dynamo = new DynamoDBClient({
    ...(region ? { region } : local ? { region: 'us-east-1' } : {}),
    ...(local && { credentials: { accessKeyId: 'ecs-sched-local', secretAccessKey: 'ecs-sched-local' } }),
  });
  return new RunLedger(dynamo, flags.table);
}

/** For `run` without --table: a throwaway ledger in this process, so the run goes through the same claim as in AWS. */
export function scratchLedger(): Promise<LocalLedger> {
  return startLocalLedger();
}
