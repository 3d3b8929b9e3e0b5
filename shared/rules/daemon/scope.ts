import { compileConstraints } from '../../placement/constraints.js';
import type { TaskScope } from '../../state/types.js';
import { daemonKey, type DaemonRule } from './rule.js';

/** The tasks a daemon's snapshot needs: its own copies, unless its constraint reads task:group, which needs every task. */
export function daemonScope(rule: DaemonRule): TaskScope {
  const { readsTaskGroups } = compileConstraints(rule.constraint ? [{ type: 'memberOf', expression: rule.constraint }] : []);
  return readsTaskGroups ? { kind: 'all' } : { kind: 'startedBy', startedBy: daemonKey(rule) };
}
