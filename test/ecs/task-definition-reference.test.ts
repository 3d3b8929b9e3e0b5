import { describe, expect, it } from 'vitest';
import { familyOf, parseTaskDefinitionArn, parseTaskDefinitionReference } from '../../shared/ecs/task-definition-reference.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/node-exporter:3';

describe('task definition references', () => {
  it.each([
    ['a family', 'node-exporter', { family: 'node-exporter' }],
    ['family:revision', 'node-exporter:12', { family: 'node-exporter', revision: 12 }],
    ['a full ARN', ARN, { family: 'node-exporter', revision: 3 }],
    ['an ARN in another partition', 'arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web_2:40', { family: 'web_2', revision: 40 }],
  ])('reads %s', (_, reference, expected) => {
    expect(parseTaskDefinitionReference(reference)).toEqual(expected);
  });

  it.each([
    ['an ARN without a revision', 'arn:aws:ecs:us-east-1:123456789012:task-definition/node-exporter'],
    ['revision 0', 'node-exporter:0'],
    ['an empty family', ':3'],
    ['a family with a dot', 'node.exporter'],
    ['another resource type', 'arn:aws:ecs:us-east-1:123456789012:cluster/node-exporter:3'],
    ['an account that is not 12 digits', 'arn:aws:ecs:us-east-1:1234:task-definition/node-exporter:3'],
  ])('refuses %s', (_, reference) => {
    expect(parseTaskDefinitionReference(reference)).toBeUndefined();
  });

  it('an ARN must be an ARN and name its revision', () => {
    expect(parseTaskDefinitionArn(ARN)).toEqual({ family: 'node-exporter', revision: 3 });
    expect(() => parseTaskDefinitionArn('node-exporter:3')).toThrow('Not a task definition ARN with a revision: "node-exporter:3"');
    expect(() => parseTaskDefinitionArn('arn:aws:ecs:us-east-1:123456789012:task-definition/node-exporter')).toThrow(/Not a task definition ARN/);
  });

  it('the family is what every form has in common', () => {
    expect(['node-exporter', 'node-exporter:3', ARN].map(familyOf)).toEqual(['node-exporter', 'node-exporter', 'node-exporter']);
    expect(() => familyOf('node exporter')).toThrow('Not a task definition reference (family, family:revision or ARN): "node exporter"');
  });
});
