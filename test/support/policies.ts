import type { Template } from 'aws-cdk-lib/assertions';

/** One statement of a synthesized IAM policy, as CloudFormation holds it. */
export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: unknown;
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every AWS::IAM::Policy in the template, to assert statement by statement. */
export function policyStatements(template: Template): PolicyStatement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }).Properties.PolicyDocument.Statement,
  );
}
