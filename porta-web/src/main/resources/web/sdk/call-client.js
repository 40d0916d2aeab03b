// SPDX-License-Identifier: Apache-2.0
/**
 * `CallClient`: the entry point. Creates the CallAgent and the DeviceManager.
 * @module call-client
 */
import { CallAgent } from './call-agent.js';
import { DeviceManager } from './device-manager.js';
import { LocalError } from './errors.js';
import { MediaSession } from './media.js';
import { systemScheduler } from './scheduler.js';
import { parseToken } from './token-credential.js';

/** The calling service's WebSocket path (protocol §1). */
export const SIGNALING_PATH = '/calling/v1';

/**
 * Where to open the WebSocket for a join.
 * 1. `signalingUrl` when given (ws:, wss:, http: or https:; http(s) is turned into ws(s));
 * 2. for `{ meetingLink }`: the link's origin + `/calling/v1` (Porta's join links point at the server);
 * 3. otherwise the origin the library was loaded from + `/calling/v1` (Porta serves the library).
 * @param {object} locator a normalised locator
 * @param {string | undefined} signalingUrl
 * @param {string} libraryUrl normally `import.meta.url`
 */
export function signalingUrlFor(locator, signalingUrl, libraryUrl) {
  let url;
  if (signalingUrl) url = new URL(signalingUrl, libraryUrl);
  else if (locator?.meetingLink) url = new URL(SIGNALING_PATH, new URL(locator.meetingLink).origin);
  else url = new URL(SIGNALING_PATH, libraryUrl);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    throw new Error(`The signaling address ${url.href} is not a web address`);
  }
  return url.href;
}

/**
 * @typedef {object} CallClientOptions
 * @property {string} [signalingUrl] Porta: the calling WebSocket, e.g. `wss://porta.example/calling/v1`
 * @property {number} [joinTimeoutMs] Porta: how long to wait for the server to answer a join (default 30 s)
 * @property {number} [resumeGraceMs] Porta: how long to try to resume a dropped connection (default 30 s)
 * @property {import('./scheduler.js').Scheduler} [scheduler] Porta, for tests: the clock and timers
 * @property {(url: string) => WebSocket} [createWebSocket] Porta, for tests
 * @property {(options: {signaling: object}) => MediaSession} [createMediaSession] Porta, for tests
 * @property {MediaDevices} [mediaDevices] Porta, for tests
 */

export class CallClient {
  #options;
  /** @type {DeviceManager | null} */
  #deviceManager = null;
  /** identities (or tokens) with a live CallAgent */
  #agents = new Set();

  /** @param {CallClientOptions} [options] */
  constructor(options = {}) {
    this.#options = { joinTimeoutMs: 30_000, resumeGraceMs: 30_000, ...options };
  }

  /**
   * Creates the CallAgent of one identity. Fails fast (495) when the credential's token is invalid
   * or expired, and with 409/40228 when this client already has an agent for that identity.
   * @param {import('./token-credential.js').AzureCommunicationTokenCredential} credential
   * @param {{displayName?: string}} [options] `displayName` is required for guests
   * @returns {Promise<CallAgent>}
   */
  async createCallAgent(credential, options = {}) {
    if (!credential || typeof credential.getToken !== 'function') {
      throw new TypeError('createCallAgent needs an AzureCommunicationTokenCredential');
    }
    const { token } = await credential.getToken();
    const claims = parseToken(token);
    const identity = typeof claims.skypeid === 'string' ? claims.skypeid : (claims.sub ?? token);
    if (this.#agents.has(identity)) throw LocalError.callAgentExists();
    this.#agents.add(identity);
    const ctx = {
      scheduler: this.#options.scheduler ?? systemScheduler,
      deviceManager: this.#devices(),
      createWebSocket: this.#options.createWebSocket,
      createMediaSession: this.#options.createMediaSession ?? ((o) => new MediaSession(o)),
      joinTimeoutMs: this.#options.joinTimeoutMs,
      resumeGraceMs: this.#options.resumeGraceMs,
      signalingUrlFor: (locator) => signalingUrlFor(locator, this.#options.signalingUrl, import.meta.url),
    };
    return new CallAgent(ctx, credential, options.displayName, () => this.#agents.delete(identity));
  }

  /** @returns {Promise<DeviceManager>} */
  async getDeviceManager() {
    return this.#devices();
  }

  #devices() {
    if (!this.#deviceManager) this.#deviceManager = new DeviceManager(this.#options.mediaDevices ?? globalThis.navigator?.mediaDevices);
    return this.#deviceManager;
  }
}
