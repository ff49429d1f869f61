import { Health } from './health';
import { Resource, templateHash } from './resources';

/**
 * The simulated status of an Argo Rollout (argoproj.io/v1alpha1), enough for
 * Argo CD's health mapping and the resource actions' enabled rules.
 */
export interface RolloutState {
  strategy: 'blueGreen' | 'canary';
  /** blueGreen `autoPromotionEnabled` (default true); canary: no pause step. */
  autoPromotion: boolean;
  /** `rollout.argoproj.io/revision`: bumps on every new pod template. */
  revision: number;
  currentPodHash: string;
  currentImages: string[];
  stableRS: string;
  stableImages: string[];
  phase: 'Progressing' | 'Paused' | 'Healthy' | 'Degraded';
  message: string;
  pauseConditions: Array<{ reason: string; startTime: number }>;
  specPaused: boolean;
  abort: boolean;
  promoteFull: boolean;
  /** While set, the new ReplicaSet (or the cut-over) is still coming up. */
  progressUntil?: number;
  /** What the end of the progress window leads to. */
  then?: 'pause' | 'healthy';
  restartedAt?: number;
}

export interface RolloutTimings {
  progressingMs: number;
}

/** The rollout actions Argo CD offers for a Rollout, with `disabled` per facts §1.7. */
export interface ResourceAction {
  name: string;
  disabled: boolean;
}

export const ROLLOUT_ACTIONS = [
  'restart',
  'resume',
  'abort',
  'retry',
  'promote-full',
  'pause',
  'skip-current-step',
];

function strategyOf(
  resource: Resource,
): Pick<RolloutState, 'strategy' | 'autoPromotion'> {
  const strategy = resource.manifest.spec?.strategy ?? {};
  if (strategy.blueGreen) {
    return {
      strategy: 'blueGreen',
      autoPromotion: strategy.blueGreen.autoPromotionEnabled !== false,
    };
  }
  const steps: any[] = strategy.canary?.steps ?? [];
  return {
    strategy: 'canary',
    autoPromotion: !steps.some(s => s && 'pause' in s),
  };
}

function pauseReason(state: RolloutState): string {
  return state.strategy === 'blueGreen' ? 'BlueGreenPause' : 'CanaryPauseStep';
}

/** Whether the current pod template is the stable one (Lua `fullyPromoted`). */
export function fullyPromoted(state: RolloutState): boolean {
  return state.currentPodHash === state.stableRS;
}

function isPaused(state: RolloutState): boolean {
  return state.pauseConditions.length > 0 || state.specPaused;
}

/** The Rollout after an apply of `resource` (new template → new revision). */
export function applyRollout(
  previous: RolloutState | undefined,
  resource: Resource,
  now: number,
  timings: RolloutTimings,
  options: { settled?: boolean } = {},
): RolloutState {
  const hash = templateHash('Rollout', resource.manifest);
  const strategy = strategyOf(resource);
  const specPaused = resource.manifest.spec?.paused === true;
  if (!previous) {
    // A first deploy skips pauses and analysis: it scales straight up.
    const base: RolloutState = {
      ...strategy,
      revision: 1,
      currentPodHash: hash,
      currentImages: resource.images,
      stableRS: hash,
      stableImages: resource.images,
      phase: 'Healthy',
      message: '',
      pauseConditions: [],
      specPaused,
      abort: false,
      promoteFull: false,
    };
    if (options.settled) return base;
    return {
      ...base,
      phase: 'Progressing',
      message: 'more replicas need to be updated',
      progressUntil: now + timings.progressingMs,
      then: 'healthy',
    };
  }
  if (hash === previous.currentPodHash) {
    return { ...previous, ...strategy, specPaused };
  }
  if (hash === previous.stableRS) {
    // Back to the stable template: the preview goes away, nothing to promote.
    return {
      ...previous,
      ...strategy,
      revision: previous.revision + 1,
      currentPodHash: hash,
      currentImages: resource.images,
      phase: 'Healthy',
      message: '',
      pauseConditions: [],
      specPaused,
      abort: false,
      promoteFull: false,
      progressUntil: undefined,
      then: undefined,
    };
  }
  return {
    ...previous,
    ...strategy,
    revision: previous.revision + 1,
    currentPodHash: hash,
    currentImages: resource.images,
    phase: 'Progressing',
    message: 'more replicas need to be updated',
    pauseConditions: [],
    specPaused,
    abort: false,
    promoteFull: false,
    progressUntil: now + timings.progressingMs,
    then: strategy.autoPromotion ? 'healthy' : 'pause',
  };
}

/** Advances time-based transitions; `degrade` turns a finished cut-over Degraded. */
export function tickRollout(
  state: RolloutState,
  now: number,
  degrade: boolean,
): RolloutState {
  if (state.progressUntil === undefined || now < state.progressUntil)
    return state;
  if (state.then === 'pause') {
    return {
      ...state,
      phase: 'Paused',
      message: pauseReason(state),
      pauseConditions: [
        { reason: pauseReason(state), startTime: state.progressUntil },
      ],
      progressUntil: undefined,
      then: undefined,
    };
  }
  if (degrade) {
    return {
      ...state,
      phase: 'Degraded',
      message: `ProgressDeadlineExceeded: ReplicaSet "${state.currentPodHash}" has timed out progressing.`,
      progressUntil: undefined,
      then: undefined,
    };
  }
  return {
    ...state,
    stableRS: state.currentPodHash,
    stableImages: state.currentImages,
    phase: 'Healthy',
    message: '',
    progressUntil: undefined,
    then: undefined,
  };
}

/** Argo CD's Rollout health: phase passes through, Paused becomes Suspended. */
export function rolloutHealth(state: RolloutState): Health {
  if (state.specPaused && state.phase !== 'Degraded') {
    return { status: 'Suspended', message: 'manually paused' };
  }
  switch (state.phase) {
    case 'Paused':
      return { status: 'Suspended', message: state.message };
    case 'Healthy':
      return { status: 'Healthy' };
    default:
      return { status: state.phase, message: state.message };
  }
}

/** Images of the Rollout's running pods: stable and preview until promoted. */
export function rolloutImages(state: RolloutState): string[] {
  if (fullyPromoted(state) || state.abort) return state.stableImages;
  return [...new Set([...state.stableImages, ...state.currentImages])];
}

/** The actions list with Argo CD's enabled rules (resource_customizations discovery.lua). */
export function rolloutActions(state: RolloutState): ResourceAction[] {
  const promoted = fullyPromoted(state);
  const paused = isPaused(state);
  return [
    { name: 'restart', disabled: false },
    { name: 'resume', disabled: !paused },
    { name: 'abort', disabled: promoted || state.abort },
    { name: 'retry', disabled: promoted || !state.abort },
    { name: 'promote-full', disabled: promoted },
    { name: 'pause', disabled: promoted || state.abort || paused },
    {
      name: 'skip-current-step',
      disabled: state.strategy !== 'canary' || promoted || !paused,
    },
  ];
}

function cutOver(
  state: RolloutState,
  now: number,
  timings: RolloutTimings,
): RolloutState {
  if (fullyPromoted(state)) {
    return {
      ...state,
      phase: 'Healthy',
      message: '',
      progressUntil: undefined,
      then: undefined,
    };
  }
  return {
    ...state,
    phase: 'Progressing',
    message: 'active service cutover pending',
    progressUntil: now + timings.progressingMs,
    then: 'healthy',
  };
}

/**
 * Runs an action on the live Rollout, as the Lua action would patch it and
 * the Rollouts controller would react. Actions run whether or not the list
 * marks them disabled (Argo CD does not check); a meaningless one changes
 * nothing. Throws for an action Rollouts do not have.
 */
export function runRolloutAction(
  state: RolloutState,
  action: string,
  now: number,
  timings: RolloutTimings,
): RolloutState {
  switch (action) {
    case 'resume':
    case 'skip-current-step': {
      if (!isPaused(state)) return state;
      return cutOver(
        { ...state, pauseConditions: [], specPaused: false },
        now,
        timings,
      );
    }
    case 'promote-full': {
      if (fullyPromoted(state)) return state;
      return cutOver(
        {
          ...state,
          pauseConditions: [],
          specPaused: false,
          promoteFull: true,
          abort: false,
        },
        now,
        timings,
      );
    }
    case 'abort': {
      if (fullyPromoted(state) || state.abort) return state;
      return {
        ...state,
        abort: true,
        pauseConditions: [],
        phase: 'Degraded',
        message: `RolloutAborted: Rollout aborted update to revision ${state.revision}`,
        progressUntil: undefined,
        then: undefined,
      };
    }
    case 'retry': {
      if (fullyPromoted(state) || !state.abort) return state;
      return {
        ...state,
        abort: false,
        phase: 'Progressing',
        message: 'more replicas need to be updated',
        progressUntil: now + timings.progressingMs,
        then: state.autoPromotion ? 'healthy' : 'pause',
      };
    }
    case 'pause':
      return { ...state, specPaused: true };
    case 'restart':
      return { ...state, restartedAt: now };
    default:
      throw new Error(`action ${action} not found`);
  }
}
