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
 * Where to open the WebSocket for a join: `signalingUrl` when given (ws:, wss:, http: or https:;
 * http(s) is turned into ws(s)), otherwise the origin the library was loaded from + `/calling/v1`
 * (Porta serves the library). Never the meeting link's origin: the first frame carries the access
 * token, and a link is data anyone can send (review finding H1).
 * @param {string | undefined} signalingUrl
 * @param {string} libraryUrl normally `import.meta.url`
 */
export function signalingUrlOf(signalingUrl, libraryUrl) {
  const url = signalingUrl ? new URL(signalingUrl, libraryUrl) : new URL(SIGNALING_PATH, libraryUrl);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    throw new Error(`The signaling address ${url.href} is not a web address`);
  }
  return url.href;
}

/** The web origin (https://host:port) of a signaling URL, to compare meeting links with. */
function webOriginOf(signalingUrl) {
  const url = new URL(signalingUrl);
  url.protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
  return url.origin;
}

/**
 * Normalises `allowedMeetingOrigins` to a set of origins; throws a TypeError for anything that is not
 * a list of https origins.
 * @param {unknown} list
 * @returns {Set<string>}
 */
export function meetingOrigins(list) {
  if (list === undefined) return new Set();
  if (!Array.isArray(list)) throw new TypeError('allowedMeetingOrigins must be a list of origins such as "https://meet.example"');
  return new Set(list.map((o) => {
    let url;
    try { url = new URL(String(o)); } catch { throw new TypeError(`allowedMeetingOrigins: "${o}" is not an origin such as "https://meet.example"`); }
    if (url.protocol !== 'https:') throw new TypeError(`allowedMeetingOrigins: "${o}" must start with https://`);
    return url.origin;
  }));
}

/**
 * Where to open the WebSocket for a join with `locator`, after checking that a meeting link belongs to
 * that server (same origin) or to an origin the application allow-listed. A link elsewhere throws a
 * CallingError with reason `meetingOriginNotAllowed` (403/46108): nothing is fetched or opened.
 * @param {object} locator `{ meetingLink }` or `{ meetingId, passcode }`
 * @param {string | undefined} signalingUrl
 * @param {string} libraryUrl normally `import.meta.url`
 * @param {Set<string>} [allowedOrigins] from `allowedMeetingOrigins`
 */
export function signalingUrlFor(locator, signalingUrl, libraryUrl, allowedOrigins = new Set()) {
  const url = signalingUrlOf(signalingUrl, libraryUrl);
  const link = locator?.meetingLink;
  if (typeof link === 'string') {
    let linkOrigin;
    try { linkOrigin = new URL(link.trim()).origin; } catch { return url; } // the locator check reports a malformed link
    const server = webOriginOf(url);
    if (linkOrigin !== server && !allowedOrigins.has(linkOrigin)) throw LocalError.meetingOriginNotAllowed(linkOrigin, server);
  }
  return url;
}

/**
 * @typedef {object} CallClientOptions
 * @property {string} [signalingUrl] Porta: the calling WebSocket, e.g. `wss://porta.example/calling/v1`
 *   (default: the origin the library was loaded from + `/calling/v1`)
 * @property {string[]} [allowedMeetingOrigins] Porta: other origins whose meeting links may be joined
 *   through this server (e.g. `['https://meet.contoso.example']`); links on any other origin are refused
 * @property {number} [joinTimeoutMs] Porta: how long to wait for the server to answer a join (default 30 s)
 * @property {number} [resumeGraceMs] Porta: how long to try to resume a dropped connection (default 30 s)
 * @property {'all'|'relay'} [iceTransportPolicy] Porta: 'relay' sends media only through the TURN relay the
 *   server hands out (hides the client's addresses from the SFU's path; needs turn.urls on the server);
 *   default 'all' (direct UDP, then ICE-TCP, then TURN)
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
  /** @type {Set<string>} origins of meeting links this client may join besides the signaling server's */
  #allowedOrigins;

  /** @param {CallClientOptions} [options] */
  constructor(options = {}) {
    const policy = options.iceTransportPolicy ?? 'all';
    if (policy !== 'all' && policy !== 'relay') {
      throw new TypeError(`iceTransportPolicy must be 'all' or 'relay', not ${JSON.stringify(policy)}`);
    }
    this.#options = { joinTimeoutMs: 30_000, resumeGraceMs: 30_000, ...options, iceTransportPolicy: policy };
    this.#allowedOrigins = meetingOrigins(options.allowedMeetingOrigins);
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
      iceTransportPolicy: this.#options.iceTransportPolicy,
      signalingUrlFor: (locator) => signalingUrlFor(locator, this.#options.signalingUrl, import.meta.url, this.#allowedOrigins),
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
