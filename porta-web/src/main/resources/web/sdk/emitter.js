// SPDX-License-Identifier: Apache-2.0
/**
 * The `on(event, listener)` / `off(event, listener)` convention every Porta object follows.
 * A listener that throws never breaks the library or other listeners; its error is reported.
 * @module emitter
 */

/** Reports an error thrown by application code without letting it escape into the library. */
export function reportListenerError(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else if (globalThis.console) globalThis.console.error('[porta-calling] a listener threw:', error);
}

export class Emitter {
  /** @type {Map<string, Set<Function>>} */
  #listeners = new Map();

  /**
   * Subscribes `listener` to `event`.
   * @param {string} event
   * @param {(payload?: any) => void} listener
   */
  on(event, listener) {
    if (typeof listener !== 'function') throw new TypeError(`on('${event}', listener): the listener must be a function`);
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
  }

  /**
   * Unsubscribes `listener` from `event`; unknown listeners are ignored.
   * @param {string} event
   * @param {(payload?: any) => void} listener
   */
  off(event, listener) {
    const set = this.#listeners.get(event);
    if (set) {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(event);
    }
  }

  /** @internal */
  _emit(event, payload) {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  /** @internal */
  _removeAllListeners() {
    this.#listeners.clear();
  }
}
