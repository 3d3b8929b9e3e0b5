import { ECSServiceException, type ECSClient } from '@aws-sdk/client-ecs';
import type { Emulator } from '../../emulator/index.js';
import { RULE_TAG_KEY } from '../../shared/rules/rule-tag.js';

/**
 * Plays IAM's part for StopTask, which the emulator leaves out on purpose: the client's StopTask
 * of a task whose rule tag does not name `ruleTag` fails with AccessDeniedException before it
 * reaches the emulator, as the function's StopOwnCopies statement (aws:ResourceTag) makes AWS do.
 */
export function stopOnlyTasksTagged(client: ECSClient, emulator: Emulator, cluster: string, ruleTag: string): void {
  client.middlewareStack.add(
    (next, { commandName }) =>
      async (args) => {
        if (commandName === 'StopTaskCommand') {
          const arn = (args.input as { task: string }).task;
          const task = emulator.admin.listTasks(cluster).find((candidate) => candidate.arn === arn);
          if (!task?.tags.some((tag) => tag.key === RULE_TAG_KEY && tag.value === ruleTag)) {
            throw new ECSServiceException({
              name: 'AccessDeniedException',
              $fault: 'client',
              $metadata: { httpStatusCode: 400 },
              message: `User: arn:aws:sts::123456789012:assumed-role/scheduler is not authorized to perform: ecs:StopTask on resource: ${arn} because no identity-based policy allows the ecs:StopTask action`,
            });
          }
        }
        return next(args);
      },
    { step: 'initialize', name: 'iamStopOnlyTagged' },
  );
}
