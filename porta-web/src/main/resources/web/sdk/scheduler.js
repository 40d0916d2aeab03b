// SPDX-License-Identifier: Apache-2.0
/**
 * Time as the library sees it. Everything that waits goes through a scheduler so tests can inject a
 * fake clock; the default uses the platform's clock and timers.
 * @module scheduler
 */

/**
 * @typedef {object} Scheduler
 * @property {() => number} now milliseconds since the epoch
 * @property {(fn: () => void, ms: number) => any} setTimeout
 * @property {(handle: any) => void} clearTimeout
 */

/** @type {Scheduler} */
export const systemScheduler = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, Math.max(0, Math.min(ms, 2_147_483_647))),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
});
