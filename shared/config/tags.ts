import { z } from 'zod';
import { RULE_TAG_KEY } from '../rules/rule-tag.js';

/**
 * ECS tag limits (the Tag type in the ECS API reference); lengths count Unicode characters. ECS
 * takes 50 tags per task, and the scheduler adds its rule tag to each start.
 */
const MAX_TAGS = 50 - 1;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
/** AWS reserves the prefix in keys and values, in any letter case. */
const RESERVED_PREFIX = /^aws:/i;

/**
 * Tags put on every task the rule starts, beside the rule tag, checked against ECS's limits so
 * StartTask never refuses them.
 */
export const tagsSchema = z.record(z.string(), z.string()).superRefine((tags, context) => {
  for (const message of tagProblems(tags)) context.addIssue({ code: 'custom', message, input: tags });
});

function tagProblems(tags: Readonly<Record<string, string>>): string[] {
  const entries = Object.entries(tags);
  const problems = entries.length > MAX_TAGS ? [`at most ${MAX_TAGS} tags are allowed (ECS takes 50, and the scheduler adds ${RULE_TAG_KEY}), found ${entries.length}`] : [];
  for (const [key, value] of entries) {
    const keyLength = [...key].length;
    const valueLength = [...value].length;
    if (keyLength < 1 || keyLength > MAX_KEY_LENGTH) {
      problems.push(`tag key ${JSON.stringify(key)} must be 1-${MAX_KEY_LENGTH} characters, found ${keyLength}`);
    }
    if (valueLength > MAX_VALUE_LENGTH) {
      problems.push(`tag ${JSON.stringify(key)}: value must be at most ${MAX_VALUE_LENGTH} characters, found ${valueLength}`);
    }
    if (key === RULE_TAG_KEY) {
      problems.push(`tag key "${RULE_TAG_KEY}" is the scheduler's own: it names the rule on every task it starts, and IAM lets a function stop only tasks whose tag names its rule`);
    }
    if (RESERVED_PREFIX.test(key)) {
      problems.push(`tag key ${JSON.stringify(key)} must not start with "aws:", which AWS reserves`);
    }
    if (RESERVED_PREFIX.test(value)) {
      problems.push(`tag ${JSON.stringify(key)}: value must not start with "aws:", which AWS reserves`);
    }
  }
  return problems;
}
