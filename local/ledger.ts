import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { RunLedger, type RunLedgerOptions } from '../shared/ledger/run-ledger.js';
import { LEDGER_TABLE } from '../shared/ledger/table.js';
import { localDynamoClient } from './dynamo-client.js';

/** A run ledger on a DynamoDB-protocol server on 127.0.0.1, in memory: for local mode, the CLI against the emulator, and the tests. */
export interface LocalLedger {
  endpoint: string;
  tableName: string;
  dynamo: DynamoDBClient;
  ledger: RunLedger;
  close(): Promise<void>;
}

export const LOCAL_LEDGER_TABLE = 'ecs-schedulers-runs';

/**
 * Starts dynalite on a free loopback port and creates the ledger table with the stack's layout
 * (LEDGER_TABLE). Nothing is written to disk; `close()` ends the server and everything in it.
 */
export async function startLocalLedger(options: RunLedgerOptions & { tableName?: string } = {}): Promise<LocalLedger> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const tableName = options.tableName ?? LOCAL_LEDGER_TABLE;
  const dynamo = localDynamoClient(endpoint);
  await createLedgerTable(dynamo, tableName);
  return {
    endpoint,
    tableName,
    dynamo,
    ledger: new RunLedger(dynamo, tableName, options),
    close: async () => {
      dynamo.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


/** Creates the ledger table as the stack does (on-demand, the sparse retry index). */
export async function createLedgerTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, retryIndex } = LEDGER_TABLE;
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
        { AttributeName: retryIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: retryIndex.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: retryIndex.name,
          KeySchema: [
            { AttributeName: retryIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: retryIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
}
