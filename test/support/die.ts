import type { ECSClient } from '@aws-sdk/client-ecs';

/**
 * The invocation using `ecs` dies at its `nth` StartTask (1 = the first): the call never returns,
 * and nothing after it runs, which from outside is what a killed Lambda is (it never writes or
 * calls anything again). Resolves when it has died. (The crash suite kills real processes.)
 */
export function dieAtStart(ecs: ECSClient, nth: number): Promise<void> {
  let calls = 0;
  return new Promise((died) => {
    ecs.middlewareStack.add(
      (next, { commandName }) =>
        async (args) => {
          if (commandName === 'StartTaskCommand' && (calls += 1) === nth) {
            died();
            return new Promise<never>(() => undefined);
          }
          return next(args);
        },
      { step: 'initialize', name: 'dieAtStart' },
    );
  });
}
