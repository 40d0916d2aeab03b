// SPDX-License-Identifier: Apache-2.0
/**
 * `CallAgent`: joins meetings with one identity and keeps their tokens fresh.
 * Events: `callsUpdated` ({ added, removed }), `connectionStateChanged` ({ oldState, newState, reason }).
 * @module call-agent
 */
import { Call } from './call.js';
import { Emitter } from './emitter.js';
import { LocalError } from './errors.js';

export class CallAgent extends Emitter {
  #ctx;
  #credential;
  #displayName;
  /** @type {Set<Call>} */
  #calls = new Set();
  #connectionState = 'Connected';
  #disposed = false;
  #unsubscribeToken;
  #tokenTimer = null;
  #onDisposed;

  /**
   * @internal created by CallClient.createCallAgent()
   * @param {object} ctx shared by the CallClient (scheduler, device manager, URLs, factories)
   * @param {import('./token-credential.js').AzureCommunicationTokenCredential} credential
   * @param {string | undefined} displayName
   * @param {() => void} onDisposed
   */
  constructor(ctx, credential, displayName, onDisposed) {
    super();
    this.#ctx = ctx;
    this.#credential = credential;
    this.#displayName = displayName;
    this.#onDisposed = onDisposed;
    this.#unsubscribeToken = typeof credential.onTokenRefreshed === 'function'
      ? credential.onTokenRefreshed(({ token }) => this.#handOut(token))
      : () => {};
    this.#scheduleTokenCheck();
  }

  /** @returns {Call[]} calls not yet Disconnected */
  get calls() { return [...this.#calls]; }
  /** `Connected` while the credential yields valid tokens, else `Disconnected`. */
  get connectionState() { return this.#connectionState; }
  /** Porta: the display name calls join with. */
  get displayName() { return this.#displayName; }

  /**
   * Joins a meeting. Returns the Call at once; follow `stateChanged`. A refusal ends the call with
   * `callEndReason` set (it does not throw), except a meeting link on another origin than the
   * signaling server (and not in `allowedMeetingOrigins`): that throws a CallingError with reason
   * `meetingOriginNotAllowed` before anything is sent anywhere.
   * @param {{meetingLink: string} | {meetingId: string, passcode: string}} locator
   * @param {{audioOptions?: {muted?: boolean}, videoOptions?: {localVideoStreams?: import('./streams.js').LocalVideoStream[]}}} [options]
   * @returns {Call}
   */
  join(locator, options = {}) {
    if (this.#disposed) throw LocalError.disposed('CallAgent');
    if (!locator || typeof locator !== 'object') throw new TypeError('join needs a locator: { meetingLink } or { meetingId, passcode }');
    try {
      this.#ctx.signalingUrlFor(locator);
    } catch (error) {
      if (error?.reason === 'meetingOriginNotAllowed') throw error; // other problems end the call with a reason
    }
    const call = new Call({
      ...this.#ctx,
      displayName: this.#displayName,
      getToken: () => this.#getToken(),
      onEnded: (c) => this.#onCallEnded(c),
    }, locator, options);
    this.#calls.add(call);
    this._emit('callsUpdated', { added: [call], removed: [] });
    return call;
  }

  /** Hangs up every call and releases the identity (a new CallAgent may then be created). */
  async dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#tokenTimer !== null) this.#ctx.scheduler.clearTimeout(this.#tokenTimer);
    this.#unsubscribeToken();
    await Promise.allSettled([...this.#calls].map((c) => c.hangUp()));
    this.#onDisposed();
  }

  async #getToken() {
    try {
      const { token } = await this.#credential.getToken();
      this.#setConnectionState('Connected', undefined);
      return token;
    } catch (error) {
      this.#setConnectionState('Disconnected', 'invalidToken');
      throw error;
    }
  }

  /** Asks the credential for a token when the current one is due for refresh (refreshers that are not proactive). */
  #scheduleTokenCheck() {
    if (this.#disposed) return;
    const due = this.#credential.refreshDueAt;
    if (due === null || due === undefined) return;
    const delay = Math.max(1000, due - this.#ctx.scheduler.now() + 1);
    this.#tokenTimer = this.#ctx.scheduler.setTimeout(async () => {
      this.#tokenTimer = null;
      try { await this.#getToken(); } catch { /* connectionState says it; the server ends calls at expiry */ }
      this.#scheduleTokenCheck();
    }, delay);
  }

  #handOut(token) {
    for (const call of this.#calls) call._updateToken(token);
  }

  #setConnectionState(newState, reason) {
    if (this.#connectionState === newState) return;
    const oldState = this.#connectionState;
    this.#connectionState = newState;
    this._emit('connectionStateChanged', { oldState, newState, reason });
  }

  #onCallEnded(call) {
    if (!this.#calls.delete(call)) return;
    this._emit('callsUpdated', { added: [], removed: [call] });
  }
}
