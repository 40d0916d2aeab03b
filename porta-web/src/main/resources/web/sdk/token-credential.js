// SPDX-License-Identifier: Apache-2.0
/**
 * `AzureCommunicationTokenCredential`, the same shape as in `@azure/communication-common`: a static
 * token, or a `tokenRefresher` called before the token expires (its `exp` claim is read from the JWT).
 * @module token-credential
 */
import { LocalError } from './errors.js';
import { systemScheduler } from './scheduler.js';

/** Refresh at most this long before expiry (ACS refreshes 10 minutes ahead). */
export const REFRESH_LEAD_MS = 10 * 60 * 1000;
/** Retry delays after a failed proactive refresh; the last one repeats until the token expires. */
const RETRY_DELAYS_MS = [5_000, 10_000, 30_000, 60_000];

function base64UrlDecode(part) {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = globalThis.atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the claims of a JWT without verifying it (the server verifies).
 * @param {string} token
 * @returns {{exp: number, iat?: number, skypeid?: string, scp?: any, [k: string]: any}}
 * @throws {import('./errors.js').CallingError} 495/4507 when the token is not a JWT with a numeric `exp`
 */
export function parseToken(token) {
  if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
    throw LocalError.tokenInvalid('The access token must be a non-empty string of at most 8192 characters');
  }
  const parts = token.split('.');
  if (parts.length !== 3) throw LocalError.tokenInvalid('The access token is not a JWT');
  let claims;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    throw LocalError.tokenInvalid('The access token payload cannot be read');
  }
  if (claims === null || typeof claims !== 'object' || !Number.isFinite(claims.exp)) {
    throw LocalError.tokenInvalid('The access token has no expiry (exp) claim');
  }
  return claims;
}

/**
 * @typedef {object} AccessToken
 * @property {string} token
 * @property {number} expiresOnTimestamp milliseconds since the epoch
 */

/**
 * @typedef {object} CommunicationTokenRefreshOptions
 * @property {(abortSignal?: AbortSignal) => Promise<string>} tokenRefresher returns a fresh token
 * @property {string} [token] the initial token; without it the refresher is called on first use
 * @property {boolean} [refreshProactively] refresh ahead of expiry even when nobody asks for a token
 */

export class AzureCommunicationTokenCredential {
  #scheduler;
  #refresher = null;
  #proactive = false;
  /** @type {{token: string, expiresOnTimestamp: number, leadMs: number} | null} */
  #current = null;
  /** @type {Promise<any> | null} */
  #inflight = null;
  #timer = null;
  #retry = 0;
  #disposed = false;
  #abort = null;
  #listeners = new Set();

  /**
   * @param {string | CommunicationTokenRefreshOptions} tokenOrOptions
   * @param {{scheduler?: import('./scheduler.js').Scheduler}} [portaOptions] Porta extension: inject a clock (tests)
   */
  constructor(tokenOrOptions, portaOptions = {}) {
    this.#scheduler = portaOptions.scheduler ?? systemScheduler;
    if (typeof tokenOrOptions === 'string') {
      this.#current = this.#describe(tokenOrOptions);
    } else if (tokenOrOptions && typeof tokenOrOptions.tokenRefresher === 'function') {
      this.#refresher = tokenOrOptions.tokenRefresher;
      this.#proactive = tokenOrOptions.refreshProactively === true;
      if (tokenOrOptions.token !== undefined) this.#current = this.#describe(tokenOrOptions.token);
      if (this.#proactive) this.#schedule();
    } else {
      throw new TypeError('AzureCommunicationTokenCredential needs a token string or { tokenRefresher, token?, refreshProactively? }');
    }
  }

  #describe(token) {
    const claims = parseToken(token);
    const now = this.#scheduler.now();
    const expiresOnTimestamp = claims.exp * 1000;
    const issuedAt = Number.isFinite(claims.iat) ? Math.min(claims.iat * 1000, now) : now;
    // Refresh 10 minutes ahead, or halfway through the lifetime of a short-lived token.
    const leadMs = Math.min(REFRESH_LEAD_MS, Math.max(0, (expiresOnTimestamp - issuedAt) / 2));
    return { token, expiresOnTimestamp, leadMs };
  }

  #needsRefresh(current) {
    return !current || this.#scheduler.now() >= current.expiresOnTimestamp - current.leadMs;
  }

  /**
   * Returns a token valid for the next while: the current one, or a refreshed one when it is about
   * to expire. Concurrent callers share one refresh.
   * @param {{abortSignal?: AbortSignal}} [options]
   * @returns {Promise<AccessToken>}
   */
  async getToken(options = {}) {
    if (this.#disposed) throw LocalError.disposed('credential');
    options.abortSignal?.throwIfAborted?.();
    if (this.#refresher && this.#needsRefresh(this.#current)) {
      try {
        await this.#refresh();
      } catch (error) {
        // A failed early refresh is fine while the current token is still valid.
        if (!this.#current || this.#scheduler.now() >= this.#current.expiresOnTimestamp) throw error;
      }
    }
    const current = this.#current;
    if (!current) throw LocalError.tokenInvalid('The credential has no token');
    if (this.#scheduler.now() >= current.expiresOnTimestamp) {
      throw LocalError.tokenExpired(`The access token expired at ${new Date(current.expiresOnTimestamp).toISOString()}`);
    }
    return { token: current.token, expiresOnTimestamp: current.expiresOnTimestamp };
  }

  /** Stops proactive refreshing and aborts a refresh in progress. */
  dispose() {
    this.#disposed = true;
    if (this.#timer !== null) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = null;
    this.#abort?.abort();
    this.#listeners.clear();
  }

  /**
   * Porta extension: called with each new token after a refresh. The CallAgent uses it to hand fresh
   * tokens to live calls. Returns an unsubscribe function.
   * @param {(token: AccessToken) => void} listener
   */
  onTokenRefreshed(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Porta extension: the time (ms since epoch) the next refresh is due, or null. */
  get refreshDueAt() {
    if (!this.#refresher || !this.#current) return null;
    return this.#current.expiresOnTimestamp - this.#current.leadMs;
  }

  #refresh() {
    if (this.#inflight) return this.#inflight;
    const abort = typeof AbortController === 'function' ? new AbortController() : null;
    this.#abort = abort;
    this.#inflight = (async () => {
      let token;
      try {
        token = await this.#refresher(abort?.signal);
      } catch (cause) {
        throw LocalError.tokenRefreshFailed(cause);
      }
      if (this.#disposed) throw LocalError.disposed('credential');
      const described = this.#describe(token);
      if (described.expiresOnTimestamp <= this.#scheduler.now()) {
        throw LocalError.tokenExpired('The tokenRefresher returned a token that has already expired');
      }
      this.#current = described;
      this.#retry = 0;
      const snapshot = { token: described.token, expiresOnTimestamp: described.expiresOnTimestamp };
      for (const listener of [...this.#listeners]) {
        try { listener(snapshot); } catch { /* a listener's failure is not the credential's */ }
      }
      return snapshot;
    })().finally(() => {
      this.#inflight = null;
      this.#abort = null;
      if (this.#proactive && !this.#disposed) this.#schedule();
    });
    return this.#inflight;
  }

  #schedule() {
    if (this.#timer !== null) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#disposed) return;
    const now = this.#scheduler.now();
    let delay;
    if (this.#needsRefresh(this.#current)) {
      // Due now (or the last attempt failed): back off, but never past expiry.
      delay = this.#retry === 0 ? 0 : RETRY_DELAYS_MS[Math.min(this.#retry - 1, RETRY_DELAYS_MS.length - 1)];
      if (this.#current && this.#current.expiresOnTimestamp > now) {
        delay = Math.min(delay, Math.max(1000, this.#current.expiresOnTimestamp - now - 1000));
      }
    } else {
      delay = this.#current.expiresOnTimestamp - this.#current.leadMs - now;
    }
    this.#timer = this.#scheduler.setTimeout(() => {
      this.#timer = null;
      this.#retry++;
      this.#refresh().catch(() => { /* retried by #schedule in finally */ });
    }, delay);
  }
}
