import type { Subject } from './ast.js';

/** Subjects written as one fixed word; `attribute:NAME` carries a name and is parsed apart. */
const FIXED_SUBJECTS: ReadonlyMap<string, Subject> = new Map<string, Subject>([
  ['agentConnected', { kind: 'agentConnected' }],
  ['agentVersion', { kind: 'agentVersion' }],
  ['ec2InstanceId', { kind: 'ec2InstanceId' }],
  ['registeredAt', { kind: 'registeredAt' }],
  ['runningTasksCount', { kind: 'runningTasksCount' }],
  ['task:group', { kind: 'taskGroup' }],
]);

export const SUBJECT_LIST =
  'agentConnected, agentVersion, attribute:NAME, ec2InstanceId, registeredAt, runningTasksCount or task:group';

export const ATTRIBUTE_PREFIX = 'attribute:';

export function fixedSubject(word: string): Subject | undefined {
  return FIXED_SUBJECTS.get(word);
}

/** The subject as the docs spell it, for messages. */
export function subjectName(subject: Subject): string {
  switch (subject.kind) {
    case 'attribute':
      return ATTRIBUTE_PREFIX + subject.name;
    case 'taskGroup':
      return 'task:group';
    default:
      return subject.kind;
  }
}

/** The subject `word` would be in the right letter case (subjects are case-sensitive), if any. */
export function subjectInOtherCase(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (lower.startsWith(ATTRIBUTE_PREFIX)) return ATTRIBUTE_PREFIX + word.slice(ATTRIBUTE_PREFIX.length);
  return [...FIXED_SUBJECTS.keys()].find((name) => name.toLowerCase() === lower);
}

/**
 * Attribute names hold 1 to 128 letters, digits, hyphens, underscores, forward slashes, back
 * slashes or periods (docs, "Custom attributes"); the built-in ecs.* names follow the same rule.
 */
export const ATTRIBUTE_NAME_MAX_LENGTH = 128;
export const ATTRIBUTE_NAME_BAD_CHAR = /[^A-Za-z0-9_\-./\\]/;
