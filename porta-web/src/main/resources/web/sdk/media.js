// SPDX-License-Identifier: Apache-2.0
/**
 * The participant's two peer connections to Porta's SFU (protocol §9):
 * - publish: the browser offers what it sends (`publishOffer` with a mid → source map), the server
 *   answers; one sendonly transceiver per source, kept for the whole call (stopping a camera replaces
 *   its track with null, so only a new source needs renegotiation);
 * - subscribe: the server offers (`subscribeOffer`), the browser answers (`subscribeAnswer`); each
 *   remote track is identified by `a=msid:<participantId> <source>` of its m-section.
 * The SFU is ICE-lite and puts its candidates in the SDP (UDP, and ICE-TCP below it): no trickle ICE; the
 * library sends its SDP once gathering completes (or after a short wait), so nothing can overtake it.
 * When the server hands out TURN credentials (`iceServers`), both connections gather relay candidates
 * too; `iceTransportPolicy: 'relay'` makes them use nothing else.
 * Each connection negotiates strictly one step at a time.
 *
 * When a connection's path breaks (the network changed, consent lost: see ice-recovery.js for how a dead
 * path is told from a quiet one within ~2 s), it restarts ICE: the publish connection with a new offer
 * (`iceRestart`), the subscribe connection by asking the server (`restartIce`), which answers with a
 * fresh offer; the SFU moves media only after a valid check with the new credentials.
 *
 * Events: `remoteTrackAdded` / `remoteTrackRemoved` ({ participantId, source, track }), `connected`
 * (once: the first of the two connections carries media; a session made after a re-home waits for it),
 * `reconnecting` and `recovered` (an ICE restart began / every restarted connection carries media again), `failed`
 * ({ which: 'publish' | 'subscribe' }: no media again within 30 s), `error` (a CallingError for a
 * refused negotiation).
 * @module media
 */
import { Emitter } from './emitter.js';
import { LocalError } from './errors.js';
import { IceRecovery } from './ice-recovery.js';
import { publishSourcesByMid, remoteTracksByMid } from './sdp.js';

const GATHER_TIMEOUT_MS = 1500;
/**
 * After an ICE restart the SFU (ICE-lite) needs none of our candidates: it learns the new path from our
 * checks. So a restart waits for gathering only briefly, to get media back sooner.
 */
const RESTART_GATHER_TIMEOUT_MS = 300;

/** The ICE ufrag of an SDP (the first one; bundled sections share it), or null. */
function iceUfragOf(sdp) {
  return /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1] ?? null;
}

function waitForGathering(pc, timeoutMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener?.('icegatheringstatechange', check);
      resolve();
    };
    const check = () => { if (pc.iceGatheringState === 'complete') done(); };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener?.('icegatheringstatechange', check);
  });
}

/** Whether the connection's selected candidate pair goes through a TURN relay (either end). */
async function selectedPairIsRelayed(pc) {
  if (typeof pc.getStats !== 'function') return false;
  try {
    const stats = await pc.getStats();
    const byId = new Map();
    stats.forEach((s) => byId.set(s.id, s));
    for (const s of byId.values()) {
      if (s.type !== 'transport' || !s.selectedCandidatePairId) continue;
      const pair = byId.get(s.selectedCandidatePairId);
      const local = pair && byId.get(pair.localCandidateId);
      if (local?.candidateType === 'relay') return true;
    }
  } catch { /* no stats: assume not relayed */ }
  return false;
}

/**
 * @typedef {object} MediaSessionOptions
 * @property {{request: (type: string, fields?: object) => Promise<any>}} signaling
 * @property {typeof RTCPeerConnection} [RTCPeerConnection]
 * @property {number} [gatherTimeoutMs]
 * @property {RTCIceServer[]} [iceServers] TURN servers with credentials from the server (protocol `iceServers`)
 * @property {'all'|'relay'} [iceTransportPolicy] 'relay': only TURN relay candidates (default 'all')
 * @property {{setTimeout: Function, clearTimeout: Function}} [scheduler] timers (default: the global ones)
 */

export class MediaSession extends Emitter {
  #signaling;
  #gatherTimeoutMs;
  /** @type {RTCPeerConnection} */
  #publishPc;
  /** @type {RTCPeerConnection} */
  #subscribePc;
  /** @type {Map<string, RTCRtpTransceiver>} source → sending transceiver */
  #senders = new Map();
  #publishChain = Promise.resolve();
  #subscribeChain = Promise.resolve();
  #publishNegotiated = false;
  /** @type {Map<string, {participantId: string, source: string, kind: string}>} */
  #remoteByMid = new Map();
  /** @type {Map<string, {participantId: string, source: string, track: MediaStreamTrack}>} key participantId/source */
  #remoteTracks = new Map();
  #closed = false;
  #connected = false;
  #timers;
  /** @type {IceRecovery} */
  #recovery;

  /** @param {MediaSessionOptions} options */
  constructor(options) {
    super();
    const Pc = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    if (typeof Pc !== 'function') throw LocalError.unsupported('WebRTC');
    this.#signaling = options.signaling;
    this.#gatherTimeoutMs = options.gatherTimeoutMs ?? GATHER_TIMEOUT_MS;
    this.#timers = options.scheduler ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) };
    // The SFU is ICE-lite and reachable directly; TURN only when the server gave credentials. One transport.
    const config = {
      iceServers: options.iceServers ?? [],
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    };
    this.#publishPc = new Pc(config);
    this.#subscribePc = new Pc(config);
    // a broken path restarts ICE: the publish connection with a new offer, the subscribe connection by
    // asking the server for one
    this.#recovery = new IceRecovery(this.#timers, (which) => (which === 'publish'
      ? this.renegotiate({ iceRestart: true })
      : this.#signaling.request('restartIce', {})));
    for (const event of ['reconnecting', 'recovered', 'failed', 'error']) {
      this.#recovery.on(event, (payload) => { if (!this.#closed) this._emit(event, payload); });
    }
    this.#recovery.watch(this.#publishPc, 'publish');
    this.#recovery.watch(this.#subscribePc, 'subscribe');
    for (const pc of [this.#publishPc, this.#subscribePc]) {
      const onState = () => {
        if (this.#closed || this.#connected) return;
        const state = pc.connectionState ?? pc.iceConnectionState;
        if (state !== 'connected' && state !== 'completed') return;
        this.#connected = true;
        this._emit('connected', {});
      };
      pc.addEventListener?.('connectionstatechange', onState);
      if (!('connectionState' in pc)) pc.addEventListener?.('iceconnectionstatechange', onState);
    }
  }

  /** Whether one of the connections has carried media (see the `connected` event). */
  get isConnected() { return this.#connected; }

  /**
   * Restarts ICE on both connections at once: the signaling connection was just resumed, so the
   * network may have changed under the media too. Connections that were never connected are left alone.
   */
  restartIce() {
    if (this.#closed) return;
    this.#recovery.restartNow('publish', 'resumed');
    this.#recovery.restartNow('subscribe', 'resumed');
  }

  /**
   * Fresh TURN credentials (a renewal before the old ones expire): later gathering (an ICE restart, a
   * network change) uses them. A publish connection relayed through TURN restarts ICE at once, so its
   * allocation is made again with credentials that do not run out mid-call.
   * @param {RTCIceServer[]} iceServers
   */
  async setIceServers(iceServers) {
    if (this.#closed) return;
    for (const pc of [this.#publishPc, this.#subscribePc]) {
      if (typeof pc.setConfiguration !== 'function') continue;
      const current = typeof pc.getConfiguration === 'function' ? pc.getConfiguration() : {};
      pc.setConfiguration({ ...current, iceServers });
    }
    if (this.#senders.size > 0 && await selectedPairIsRelayed(this.#publishPc)) {
      await this.renegotiate({ iceRestart: true });
    }
  }

  /** Sources with a sending transceiver. */
  get publishedSources() { return [...this.#senders.keys()]; }

  /**
   * Sends `track` as `source` (or stops sending it with `null`). A source sent for the first time
   * adds a transceiver and renegotiates the publish connection; later changes only swap the track.
   * @param {'microphone'|'camera'|'screen'} source
   * @param {MediaStreamTrack | null} track
   */
  setSource(source, track) {
    return this.#enqueuePublish(async () => {
      if (this.#closed) throw LocalError.callEnded();
      const existing = this.#senders.get(source);
      if (existing) {
        await existing.sender.replaceTrack(track);
        return;
      }
      if (!track) return;
      const transceiver = this.#publishPc.addTransceiver(track, { direction: 'sendonly' });
      this.#senders.set(source, transceiver);
      if (source === 'screen' && 'contentHint' in track) track.contentHint = 'detail';
      await this.#negotiatePublish(false);
    });
  }

  /**
   * Negotiates the publish connection again (after a resume or a move to/from a breakout room).
   * @param {{iceRestart?: boolean}} [options]
   */
  renegotiate(options = {}) {
    return this.#enqueuePublish(async () => {
      if (this.#closed || this.#senders.size === 0) return;
      await this.#negotiatePublish(options.iceRestart === true);
    });
  }

  #enqueuePublish(step) {
    const run = this.#publishChain.then(step);
    this.#publishChain = run.catch(() => {});
    return run;
  }

  async #negotiatePublish(iceRestart) {
    const pc = this.#publishPc;
    const offer = await pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
    await pc.setLocalDescription(offer);
    await waitForGathering(pc, iceRestart ? Math.min(this.#gatherTimeoutMs, RESTART_GATHER_TIMEOUT_MS) : this.#gatherTimeoutMs);
    const sources = publishSourcesByMid([...this.#senders].map(([source, t]) => ({ mid: t.mid, source })));
    let answer;
    try {
      answer = await this.#signaling.request('publishOffer', { sdp: pc.localDescription.sdp, sources });
    } catch (error) {
      // Go back to stable so the next negotiation can start cleanly.
      try { await pc.setLocalDescription({ type: 'rollback' }); } catch { /* not supported or already stable */ }
      throw error;
    }
    if (this.#closed) return;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    this.#publishNegotiated = true;
  }

  /**
   * Answers the server's offer for the subscribe connection and reports remote tracks that appeared
   * or disappeared.
   * @param {string} sdp
   */
  acceptSubscribeOffer(sdp) {
    const run = this.#subscribeChain.then(async () => {
      if (this.#closed) return;
      const pc = this.#subscribePc;
      const byMid = remoteTracksByMid(sdp);
      const before = iceUfragOf(pc.remoteDescription?.sdp);
      const restarted = before !== null && before !== iceUfragOf(sdp);
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await waitForGathering(pc, restarted ? Math.min(this.#gatherTimeoutMs, RESTART_GATHER_TIMEOUT_MS) : this.#gatherTimeoutMs);
      if (this.#closed) return;
      this.#remoteByMid = byMid;
      this.#syncRemoteTracks();
      await this.#signaling.request('subscribeAnswer', { sdp: pc.localDescription.sdp });
    });
    this.#subscribeChain = run.catch((error) => this._emit('error', error));
    return run;
  }

  #syncRemoteTracks() {
    const now = new Map();
    for (const transceiver of this.#subscribePc.getTransceivers()) {
      const info = transceiver.mid !== null ? this.#remoteByMid.get(transceiver.mid) : undefined;
      const track = transceiver.receiver?.track;
      if (!info || !track) continue;
      now.set(`${info.participantId}/${info.source}`, { participantId: info.participantId, source: info.source, track });
    }
    for (const [key, before] of this.#remoteTracks) {
      const after = now.get(key);
      if (!after || after.track !== before.track) this._emit('remoteTrackRemoved', before);
    }
    const previous = this.#remoteTracks;
    this.#remoteTracks = now;
    for (const [key, after] of now) {
      const before = previous.get(key);
      if (!before || before.track !== after.track) this._emit('remoteTrackAdded', after);
    }
  }

  /** The remote track of a participant's source, if the SFU sends it. */
  remoteTrack(participantId, source) {
    return this.#remoteTracks.get(`${participantId}/${source}`)?.track ?? null;
  }

  /** Closes both connections. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#recovery.close();
    for (const entry of this.#remoteTracks.values()) this._emit('remoteTrackRemoved', entry);
    this.#remoteTracks.clear();
    try { this.#publishPc.close(); } catch { /* ignore */ }
    try { this.#subscribePc.close(); } catch { /* ignore */ }
  }
}
