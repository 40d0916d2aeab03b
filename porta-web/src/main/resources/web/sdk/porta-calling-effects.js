// SPDX-License-Identifier: Apache-2.0
/**
 * Stand-in for `@azure/communication-calling-effects` (Microsoft's proprietary video and audio effects),
 * for bundles that alias it, e.g. the UI Library's: Porta has no effects. The classes exist so imports
 * resolve; `isSupported()` answers false, so the UI Library offers no effects; using one anyway fails
 * when a stream starts it (`LocalVideoStream.feature(Features.VideoEffects).startEffects` rejects with
 * 501/46109 from `porta-calling-acs.js`).
 * @module porta-calling-effects
 */

class Effect {
  /** @param {object} [config] kept as given (e.g. a background image's URL) */
  constructor(config = {}) {
    this.config = config;
  }
  /** Porta has no effects in any browser. */
  async isSupported() { return false; }
  async configure(config) { this.config = config; }
  dispose() {}
}

export class BackgroundBlurEffect extends Effect { get name() { return 'BackgroundBlur'; } }
export class BackgroundReplacementEffect extends Effect { get name() { return 'BackgroundReplacement'; } }
export class DeepNoiseSuppressionEffect extends Effect { get name() { return 'DeepNoiseSuppression'; } }
