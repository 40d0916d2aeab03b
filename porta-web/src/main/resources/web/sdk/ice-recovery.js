// SPDX-License-Identifier: Apache-2.0
/**
 * Keeps each peer connection's media path alive across network changes (a new address, a NAT that
 * forgot the mapping, consent lost): it notices a dead path and restarts ICE, without waiting for the
 * browser's own verdict (`disconnected` comes only after several seconds, `failed` after ~30 s).
 *
 * A path is taken as dead when, while connected, nothing has arrived on the selected candidate pair
 * for {@link STALL_MS} although the browser has sent connectivity/consent checks since (their
 * responses did not come back). Media alone is not the measure: a muted or camera-off stream, or a
 * meeting where nobody else sends, is quiet, but the SFU still answers every check (RFC 7675), so a
 * quiet path that is alive never counts as dead. Browsers whose stats lack check counters fall back to
 * "sent something, heard nothing for {@link STALL_MS_WITHOUT_CHECK_COUNTERS}".
 *
 * Recovery is reported when the path carries something again (getStats) or the connection is
 * `connected` again. Restarts are bounded: one at a time per connection, again every
 * {@link RETRY_MS} while the path stays dead, `failed` after {@link RECOVERY_TIMEOUT_MS}, and a
 * connection that keeps breaking waits longer and longer (up to {@link BACKOFF_MAX_MS}) before the next.
 *
 * Events: `reconnecting` ({ which, reason }), `recovered` (every restarted connection carries media
 * again), `failed` ({ which }), `error` (a restart the server refused).
 * @module ice-recovery
 */
import { Emitter } from './emitter.js';

/** How often the selected path's counters are read. */
export const POLL_MS = 500;
/** Silence on the selected path, with checks unanswered, that counts as a dead path. */
export const STALL_MS = 2000;
/** The same for browsers without check counters in their stats (only "sent, but heard nothing"). */
export const STALL_MS_WITHOUT_CHECK_COUNTERS = 4000;
/** A connection `disconnected` this long is restarted even if its stats look fine. */
export const DISCONNECTED_GRACE_MS = 1000;
/** A restart whose path is still dead after this long is tried again (with fresh credentials). */
export const RETRY_MS = 5000;
/** How long a restarted connection may take to carry media again before the media counts as lost. */
export const RECOVERY_TIMEOUT_MS = 30_000;
/** The pause after a restart before the next may start, doubled for each one in a row. */
export const BACKOFF_BASE_MS = 2000;
export const BACKOFF_MAX_MS = 16_000;
/** A path healthy this long since its last restart starts the backoff afresh. */
const HEALTHY_RESET_MS = 30_000;

/**
 * What the connection's selected candidate pair has carried so far, or null without stats.
 * @param {RTCPeerConnection} pc
 */
export async function selectedPathCounters(pc) {
  const stats = await pc.getStats();
  const byId = new Map();
  stats.forEach((s) => byId.set(s.id, s));
  let transport;
  let pair;
  for (const s of byId.values()) {
    if (s.type === 'transport' && s.selectedCandidatePairId) {
      transport = s;
      pair = byId.get(s.selectedCandidatePairId);
      break;
    }
  }
  if (!pair) {
    // browsers without transport stats mark the pair itself
    for (const s of byId.values()) {
      if (s.type === 'candidate-pair' && (s.selected === true || (s.nominated === true && s.state === 'succeeded'))) { pair = s; break; }
    }
  }
  if (!pair) return { pairId: null, bytesReceived: 0, bytesSent: 0, responses: 0, requests: null };
  const hasChecks = typeof pair.requestsSent === 'number' && typeof pair.responsesReceived === 'number';
  return {
    pairId: pair.id,
    // RTP and RTCP on this pair only: during a restart another pair may carry a little (the SFU's side
    // of a new path) while the browser still sends on the dead one, which is no recovery yet
    bytesReceived: pair.bytesReceived ?? transport?.bytesReceived ?? 0,
    bytesSent: pair.bytesSent ?? transport?.bytesSent ?? 0,
    responses: pair.responsesReceived ?? 0,
    // connectivity checks and consent checks (Chrome counts them apart)
    requests: hasChecks ? pair.requestsSent + (pair.consentRequestsSent ?? 0) : null,
  };
}

/** One connection's watch: its timers, restart state and what its path carried at the last poll. */
class Watch {
  grace = null;
  giveUp = null;
  retry = null;
  poll = null;
  deferred = null;
  restarting = false;
  /** Connected at some point: a connection still setting up has no path to restart. */
  wasConnected = false;
  inRow = 0;
  lastRestartAt = -Infinity;
  nextAllowedAt = -Infinity;
  /** @type {Awaited<ReturnType<typeof selectedPathCounters>> | null} */
  last = null;
  heardAt = 0;
  outstandingAtHeard = 0;
  sentAtHeard = 0;

  constructor(pc, which) {
    this.pc = pc;
    this.which = which;
  }

  get connected() {
    const state = this.pc.connectionState ?? this.pc.iceConnectionState;
    return state === 'connected' || state === 'completed';
  }
}

export class IceRecovery extends Emitter {
  #timers;
  #restart;
  /** @type {Map<string, Watch>} */
  #watches = new Map();
  #closed = false;

  /**
   * @param {{setTimeout: Function, clearTimeout: Function, now?: () => number}} timers
   * @param {(which: string) => Promise<unknown>} restart restarts ICE on one connection (new credentials)
   */
  constructor(timers, restart) {
    super();
    this.#timers = timers;
    this.#restart = restart;
  }

  #now() { return this.#timers.now?.() ?? Date.now(); }

  /** Watches a connection ('publish' | 'subscribe') from now until close(). */
  watch(pc, which) {
    const w = new Watch(pc, which);
    this.#watches.set(which, w);
    const onState = () => this.#onState(w);
    pc.addEventListener?.('connectionstatechange', onState);
    if (!('connectionState' in pc)) pc.addEventListener?.('iceconnectionstatechange', onState);
    if (typeof pc.getStats === 'function') this.#schedulePoll(w);
  }

  /**
   * Restarts ICE on a connection now, whatever its stats say (e.g. the signaling connection had to be
   * resumed: the network may have changed). Bounded like every restart; a connection that never
   * connected is left alone.
   */
  restartNow(which, reason) {
    const w = this.#watches.get(which);
    if (w && w.wasConnected) this.#begin(w, reason);
  }

  /** Whether a connection is being restarted now. */
  isRestarting(which) { return this.#watches.get(which)?.restarting === true; }

  close() {
    this.#closed = true;
    for (const w of this.#watches.values()) {
      for (const t of [w.grace, w.giveUp, w.retry, w.poll, w.deferred]) if (t !== null) this.#timers.clearTimeout(t);
    }
  }

  #onState(w) {
    if (this.#closed) return;
    const state = w.pc.connectionState ?? w.pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') {
      w.wasConnected = true;
      this.#clear(w, 'grace');
      if (w.restarting) this.#recovered(w);
    } else if (state === 'disconnected') {
      if (w.grace === null && !w.restarting) {
        w.grace = this.#timers.setTimeout(() => { w.grace = null; this.#begin(w, 'disconnected'); }, DISCONNECTED_GRACE_MS);
      }
    } else if (state === 'failed') {
      this.#begin(w, 'failed');
    }
  }

  #schedulePoll(w) {
    w.poll = this.#timers.setTimeout(async () => {
      w.poll = null;
      if (this.#closed) return;
      try {
        this.#observe(w, await selectedPathCounters(w.pc));
      } catch { /* a closing connection: the next poll or close() settles it */ }
      if (!this.#closed && w.pc.connectionState !== 'closed') this.#schedulePoll(w);
    }, POLL_MS);
  }

  /** One poll's counters: did the path carry anything since the last, and is it dead? */
  #observe(w, now) {
    if (this.#closed) return;
    const t = this.#now();
    const last = w.last;
    w.last = now;
    const outstanding = now.requests === null ? 0 : now.requests - now.responses;
    // a pair's counters start at 0: a newly selected pair counts as heard once it received anything
    const before = last !== null && now.pairId === last.pairId ? last : { bytesReceived: 0, responses: 0 };
    const heard = last === null
      || (now.pairId !== null && (now.bytesReceived > before.bytesReceived || now.responses > before.responses));
    if (w.connected) w.wasConnected = true;
    if (heard) {
      w.heardAt = t;
      w.outstandingAtHeard = outstanding;
      w.sentAtHeard = now.bytesSent;
      if (w.restarting && w.connected && now.pairId !== null) this.#recovered(w);
      else if (!w.restarting && t - w.lastRestartAt >= HEALTHY_RESET_MS) w.inRow = 0;
      return;
    }
    if (w.restarting || !w.connected) return;
    const silence = t - w.heardAt;
    // a check went unanswered since we last heard anything, or the browser dropped the selected pair
    const dead = now.pairId === null
      ? silence >= STALL_MS
      : now.requests !== null
        ? outstanding > w.outstandingAtHeard && silence >= STALL_MS
        : now.bytesSent > w.sentAtHeard && silence >= STALL_MS_WITHOUT_CHECK_COUNTERS;
    if (dead) this.#begin(w, 'stalled');
  }

  /** Starts restarting one connection, now or once its backoff has passed. */
  #begin(w, reason) {
    if (this.#closed || w.restarting) return;
    const t = this.#now();
    if (t < w.nextAllowedAt) {
      if (w.deferred === null) {
        w.deferred = this.#timers.setTimeout(() => { w.deferred = null; this.#begin(w, reason); }, w.nextAllowedAt - t);
      }
      return;
    }
    this.#clear(w, 'grace');
    this.#clear(w, 'deferred');
    w.restarting = true;
    w.lastRestartAt = t;
    w.inRow++;
    w.nextAllowedAt = t + Math.min(BACKOFF_BASE_MS * 2 ** (w.inRow - 1), BACKOFF_MAX_MS);
    this._emit('reconnecting', { which: w.which, reason });
    w.giveUp = this.#timers.setTimeout(() => {
      w.giveUp = null;
      this.#clear(w, 'retry');
      if (w.restarting && !this.#closed) this._emit('failed', { which: w.which });
    }, RECOVERY_TIMEOUT_MS);
    this.#attempt(w, true);
  }

  #attempt(w, first) {
    Promise.resolve()
      .then(() => this.#restart(w.which))
      // a retry's refusal (e.g. while the signaling connection resumes) is not news to the app
      .catch((e) => { if (first) this._emit('error', e); });
    w.retry = this.#timers.setTimeout(() => {
      w.retry = null;
      if (w.restarting && !this.#closed) this.#attempt(w, false);
    }, RETRY_MS);
  }

  #recovered(w) {
    w.restarting = false;
    this.#clear(w, 'giveUp');
    this.#clear(w, 'retry');
    if (![...this.#watches.values()].some((x) => x.restarting)) this._emit('recovered', {});
  }

  #clear(w, timer) {
    if (w[timer] !== null) this.#timers.clearTimeout(w[timer]);
    w[timer] = null;
  }
}
