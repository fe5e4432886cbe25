import { httpTarget } from './http.target.ts';
import { okrTrackerTarget } from './okr-tracker.target.ts';
import type { PushTarget, PushTargetOptions } from './push-target.ts';
import { quantiveTarget } from './quantive.target.ts';
import { tabilityTarget } from './tability.target.ts';
import type { TargetConfig } from './target-schemas.ts';

/** A push target from its parsed config (`targetConfigSchema` output). */
export function createPushTarget(config: TargetConfig, options: PushTargetOptions = {}): PushTarget {
  switch (config.kind) {
    case 'quantive':
      return quantiveTarget(config, options);
    case 'tability':
      return tabilityTarget(config, options);
    case 'okr-tracker':
      return okrTrackerTarget(config, options);
    case 'http':
      return httpTarget(config, options);
  }
}
