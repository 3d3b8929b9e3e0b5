import type { ECSClient } from '@aws-sdk/client-ecs';

/**
 * Makes each client's StartTask wait until every one of them has reached StartTask: the
 * invocations then all decided from the same state, as if their serialization had failed.
 */
export function holdStartsUntilAllArrive(clients: readonly ECSClient[]): void {
  let arrived = 0;
  let allArrived: () => void = () => undefined;
  const barrier = new Promise<void>((resolve) => (allArrived = resolve));
  for (const client of clients) {
    client.middlewareStack.add(
      (next, { commandName }) => async (args) => {
        if (commandName === 'StartTaskCommand') {
          arrived += 1;
          if (arrived === clients.length) allArrived();
          await barrier;
        }
        return next(args);
      },
      { step: 'initialize', name: 'raceBarrier' },
    );
  }
}
