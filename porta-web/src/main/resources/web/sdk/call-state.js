// SPDX-License-Identifier: Apache-2.0
/**
 * The call's state machine with the exact ACS `CallState` strings. A guest joining a meeting goes
 * None → Connecting → (InLobby →) Connected → Disconnecting → Disconnected; a refused join goes
 * Connecting → Disconnected. Disconnected is final.
 * @module call-state
 */

export const CallState = Object.freeze({
  None: 'None',
  Connecting: 'Connecting',
  InLobby: 'InLobby',
  Connected: 'Connected',
  Disconnecting: 'Disconnecting',
  Disconnected: 'Disconnected',
});

/** Allowed transitions; anything else is a bug (in the library or the server). */
const TRANSITIONS = Object.freeze({
  None: ['Connecting', 'Disconnected'],
  Connecting: ['InLobby', 'Connected', 'Disconnecting', 'Disconnected'],
  InLobby: ['Connected', 'Disconnecting', 'Disconnected'],
  Connected: ['Disconnecting', 'Disconnected'],
  Disconnecting: ['Disconnected'],
  Disconnected: [],
});

/** @returns {boolean} whether `from` → `to` is a legal transition */
export function canTransition(from, to) {
  return (TRANSITIONS[from] ?? []).includes(to);
}

/**
 * Holds one call's state; `transition` refuses illegal moves and reports legal ones.
 */
export class CallStateMachine {
  #state = CallState.None;
  #onChange;

  /** @param {(from: string, to: string) => void} onChange called after each change */
  constructor(onChange) {
    this.#onChange = onChange;
  }

  get state() { return this.#state; }
  get isTerminal() { return this.#state === CallState.Disconnected; }

  /**
   * Moves to `to`. Staying in the same state is a no-op that returns false.
   * @returns {boolean} whether the state changed
   * @throws {Error} on an illegal transition
   */
  transition(to) {
    if (to === this.#state) return false;
    if (!canTransition(this.#state, to)) {
      throw new Error(`Illegal call state transition ${this.#state} → ${to}`);
    }
    const from = this.#state;
    this.#state = to;
    this.#onChange(from, to);
    return true;
  }
}
