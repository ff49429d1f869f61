import { OperationHook } from '@shipdeck/plugin-gitops-common';
import { ArgoOperationState } from '../argocd/types';

/**
 * The hooks among an operation's results (entries with a `hookType`), for
 * the timeline and the environment's status: with a `HookSucceeded` delete
 * policy the hook's Job is gone afterwards, so its result is all that is left.
 */
export function operationHooks(op?: ArgoOperationState): OperationHook[] {
  return (op?.syncResult?.resources ?? [])
    .filter(r => r.hookType)
    .map(r => ({
      hookType: r.hookType,
      kind: r.kind,
      name: r.name,
      phase: r.hookPhase,
      ...(r.message ? { message: r.message } : {}),
    }));
}
