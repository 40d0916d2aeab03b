// SPDX-License-Identifier: Apache-2.0
/**
 * One WebSocket to the calling service for one participant in one meeting (protocol §1–§3).
 *
 * - Every outgoing frame goes through one bounded queue, so frames reach the server in the order the
 *   library produced them (an SDP answer never overtakes what it depends on).
 * - Requests carry an `id`; the `ack`, `error` or `publishAnswer` with that id settles their promise.
 * - When the socket drops without the server having ended the participant, it reconnects and sends
 *   `resume` with the last resume token until the grace period runs out; frames queued meanwhile are
 *   sent after the resume succeeds.
 * - Keepalive: a `ping` when idle; a socket that stays silent too long is treated as dropped.
 * - In a cluster, a join that reaches a node which is not the meeting's home is answered with
 *   `joinElsewhere` (the home node's calling WebSocket): before the join is answered, and at most
 *   {@link MAX_JOIN_ELSEWHERE} times per call, the library opens a socket there and sends the join (and
 *   whatever it queued after it) again. Resumes then go to that node. Only wss: targets are followed
 *   (ws: only when the library itself was given a ws: URL).
 * - When the home node dies, its meeting moves to another node (docs/cluster.md, "A node dies"): a resume
 *   whose socket to the home cannot be opened is tried next at the URL the library was first given (the
 *   load balancer), which sends it to the new home (`joinElsewhere`, followed while resuming too); while
 *   no node may serve the meeting yet (`meetingUnavailable`, until the dead home's lease lapses) the
 *   library keeps trying within the grace period.
 *
 * Events: `frame` (each valid server frame that is not a response), `reconnecting`, `resumed`,
 * `closed` ({ reason: 'ended' | 'connectionFailed' | 'connectionLost' | 'disposed' }), `invalidFrame`.
 * @module signaling
 */
import { Emitter } from './emitter.js';
import { LocalError, fromActionError } from './errors.js';
import { clientFrame, encodeFrame, parseServerFrame } from './protocol.js';
import { systemScheduler } from './scheduler.js';

const OPEN = 1;
/** Delays between resume attempts; the last repeats until the grace period ends. */
const RESUME_DELAYS_MS = [0, 250, 500, 1000, 2000];
/** Frames whose meaning does not survive a new socket: media is renegotiated after a resume. */
const DROPPED_ON_RECONNECT = new Set(['publishOffer', 'subscribeAnswer', 'restartIce', 'ping']);
/** How many times one call follows `joinElsewhere` (a meeting's home may move once while a join is on its way). */
export const MAX_JOIN_ELSEWHERE = 2;
/** `meetingUnavailable`: no node may serve the meeting yet (a dead home's lease has not lapsed): resume again. */
const MEETING_UNAVAILABLE = 7102;

/**
 * @typedef {object} SignalingOptions
 * @property {string} url the WebSocket endpoint, e.g. wss://porta.example/calling/v1
 * @property {() => Promise<string>} getToken a valid access token (for `resume`)
 * @property {(url: string) => WebSocket} [createWebSocket]
 * @property {import('./scheduler.js').Scheduler} [scheduler]
 * @property {number} [maxQueue] frames waiting to be sent, at most (default 256)
 * @property {number} [requestTimeoutMs] default 15 s
 * @property {number} [pingIntervalMs] default 20 s (the server wants one at least every 30 s)
 * @property {number} [resumeGraceMs] how long to try resuming after a drop (default 30 s, the server's default)
 * @property {object} [resumeFields] more fields of every `resume` frame (the call's roster version: a resume
 *   on another node must speak the roster as the join did)
 */

export class Signaling extends Emitter {
  #options;
  #scheduler;
  /** @type {WebSocket | null} */
  #socket = null;
  /** 'idle' | 'open' | 'resuming' | 'closed' */
  #phase = 'idle';
  /** @type {{frame: object, pending?: object}[]} */
  #queue = [];
  /** @type {Map<string, {resolve: Function, reject: Function, timer: any, type: string}>} */
  #pending = new Map();
  #nextId = 1;
  #resumeToken = null;
  #ended = false;
  #lastSentAt = 0;
  #lastReceivedAt = 0;
  #keepaliveTimer = null;
  #resumeDeadline = 0;
  #resumeAttempt = 0;
  #resumeTimer = null;
  /** Frames written before the join was answered: sent again when the join goes to the meeting's home node. */
  #unanswered = [];
  #joinedElsewhere = 0;
  /** The URL the library was given (the load balancer): where a resume goes when the home does not answer. */
  #entryUrl;
  /** `joinElsewhere` followed during the current resume phase. */
  #resumedElsewhere = 0;

  /** @param {SignalingOptions} options */
  constructor(options) {
    super();
    // Options given as undefined (a Call passes its context's optional hooks through) keep the defaults.
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    this.#options = {
      maxQueue: 256, requestTimeoutMs: 15_000, pingIntervalMs: 20_000, resumeGraceMs: 30_000,
      createWebSocket: (url) => new globalThis.WebSocket(url),
      ...given,
    };
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#entryUrl = this.#options.url;
  }

  /** 'idle' | 'open' | 'resuming' | 'closed' */
  get phase() { return this.#phase; }
  /** Whether frames sent now go straight out on an open socket. */
  get isOpen() { return this.#phase === 'open' && this.#socket !== null && this.#socket.readyState === OPEN; }
  /** The resume token from the last InLobby/Connected stateChanged, or null. */
  get resumeToken() { return this.#resumeToken; }

  /**
   * Opens the socket and sends `firstFrame` (a `join`) as the first frame.
   * Answers arrive as `frame` events; a socket that cannot be opened ends in `closed` connectionFailed.
   * @param {object} firstFrame
   */
  open(firstFrame) {
    if (this.#phase !== 'idle') throw new Error('Signaling.open may be called once');
    this.#phase = 'open';
    this.#queue.push({ frame: firstFrame });
    this.#connect(false);
  }

  /**
   * Queues a frame that needs no answer.
   * @param {string} type
   * @param {object} [fields]
   */
  send(type, fields = {}) {
    if (this.#phase === 'closed') return;
    if (this.#queue.length >= this.#options.maxQueue) throw LocalError.queueFull();
    this.#queue.push({ frame: clientFrame(type, fields) });
    this.#flush();
  }

  /**
   * Queues a frame with an `id` and resolves with the server's `ack` (or `publishAnswer`), or rejects
   * with a CallingError carrying the server's `error` code and message.
   * @param {string} type
   * @param {object} [fields]
   * @returns {Promise<any>}
   */
  request(type, fields = {}) {
    if (this.#phase === 'closed') return Promise.reject(LocalError.callEnded());
    if (this.#queue.length >= this.#options.maxQueue) return Promise.reject(LocalError.queueFull());
    const id = `c${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const pending = { resolve, reject, timer: null, type };
      this.#queue.push({ frame: clientFrame(type, { id, ...fields }), pending, id });
      this.#flush();
    });
  }

  /**
   * Drops the current socket and resumes on a new one (used when the roster shows a gap).
   */
  forceResume() {
    if (this.#phase !== 'open' || !this.#resumeToken) return;
    try { this.#socket?.close(4000, 'resync'); } catch { /* already closing */ }
    this.#onSocketGone();
  }

  /**
   * Drops queued frames that have not gone out yet (rejecting their requests with connectionLost), e.g. the
   * old peer connections' offers when a resume lands on a node with a new media session. Called while the
   * resume's `stateChanged` is being handled, it runs before the queue is flushed to the new socket.
   * @param {(type: string) => boolean} which
   */
  discardQueued(which) {
    this.#queue = this.#queue.filter((item) => {
      if (!which(item.frame.type)) return true;
      item.pending?.reject(LocalError.connectionLost(`the ${item.frame.type} request`));
      return false;
    });
  }

  /** Closes the socket for good; no resume. Pending requests reject. */
  dispose() {
    if (this.#phase === 'closed') return;
    this.#closeFor('disposed');
  }

  #connect(resuming) {
    let socket;
    try {
      socket = this.#options.createWebSocket(this.#options.url);
    } catch (error) {
      this.#scheduler.setTimeout(() => this.#onSocketGone(error), 0);
      return;
    }
    this.#socket = socket;
    let resumeSent = false;
    let opened = false;
    socket.onopen = async () => {
      if (this.#socket !== socket) return;
      opened = true;
      this.#lastReceivedAt = this.#scheduler.now();
      if (resuming) {
        let token;
        try {
          token = await this.#options.getToken();
        } catch {
          // Without a token the server cannot take us back; let the grace period decide.
          try { socket.close(4001, 'no token'); } catch { /* ignore */ }
          return;
        }
        if (this.#socket !== socket || socket.readyState !== OPEN) return;
        resumeSent = true;
        this.#write(socket, clientFrame('resume', { ...this.#options.resumeFields, token, resumeToken: this.#resumeToken }));
      } else {
        this.#flush();
      }
      this.#armKeepalive();
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      this.#onMessage(event.data, resuming && resumeSent);
      resuming = resuming && this.#phase === 'resuming';
    };
    socket.onerror = () => { /* onclose follows and decides */ };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      if (resuming && !opened && this.#options.url !== this.#entryUrl) {
        // the home does not answer (dead?): the next attempt asks the load balancer, which knows the new home
        this.#options = { ...this.#options, url: this.#entryUrl };
      }
      this.#onSocketGone();
    };
  }

  #onMessage(data, awaitingResumeAnswer) {
    this.#lastReceivedAt = this.#scheduler.now();
    const parsed = parseServerFrame(data);
    if (parsed.kind === 'ignore') return;
    if (parsed.kind === 'invalid') {
      this._emit('invalidFrame', { reason: parsed.reason });
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'pong':
        return;
      case 'joinElsewhere':
        if (this.#phase === 'resuming') this.#resumeElsewhere(frame.url);
        else this.#joinElsewhere(frame.url);
        return;
      case 'ack':
        this.#settle(frame.id, (p) => p.resolve(frame));
        return;
      case 'publishAnswer':
        if (frame.id && this.#settle(frame.id, (p) => p.resolve(frame))) return;
        break;
      case 'error':
        if (frame.id && this.#settle(frame.id, (p) => p.reject(fromActionError(frame)))) return;
        break;
      case 'stateChanged':
        if (frame.state === 'Disconnected') {
          if (awaitingResumeAnswer && this.#phase === 'resuming'
              && frame.callEndReason?.subCode === MEETING_UNAVAILABLE) {
            return; // not ended: the socket closes next, and the resume is tried again within the grace period
          }
          this.#ended = true;
        } else {
          this.#unanswered = [];
          this.#resumeToken = frame.resumeToken;
          if (awaitingResumeAnswer && this.#phase === 'resuming') {
            this.#phase = 'open';
            this.#resumeAttempt = 0;
            this._emit('resumed', {});
            this._emit('frame', frame);
            this.#flush();
            return;
          }
        }
        break;
      default:
        break;
    }
    this._emit('frame', frame);
  }

  #settle(id, action) {
    const pending = this.#pending.get(id);
    if (!pending) return false;
    this.#pending.delete(id);
    this.#scheduler.clearTimeout(pending.timer);
    action(pending);
    return true;
  }

  #flush() {
    const socket = this.#socket;
    if (this.#phase !== 'open' || !socket || socket.readyState !== OPEN) return;
    while (this.#queue.length > 0) {
      const item = this.#queue.shift();
      if (item.pending) {
        const { pending, id } = item;
        pending.timer = this.#scheduler.setTimeout(() => {
          if (this.#pending.delete(id)) pending.reject(LocalError.timeout(`the ${pending.type} request`));
        }, this.#options.requestTimeoutMs);
        this.#pending.set(id, pending);
      }
      try {
        this.#write(socket, item.frame);
        if (this.#resumeToken === null && this.#unanswered.length < this.#options.maxQueue) this.#unanswered.push(item);
      } catch (error) {
        if (item.pending) this.#settle(item.id, (p) => p.reject(LocalError.invalidArgument(error.message)));
      }
    }
  }

  /**
   * The server says the meeting lives on another node: join there. Ignored (the server's Disconnected
   * that follows ends the call) once joined, past the limit, or for a target that is not a WebSocket URL
   * of the same security as ours.
   */
  #joinElsewhere(target) {
    if (this.#phase !== 'open' || this.#resumeToken !== null || this.#joinedElsewhere >= MAX_JOIN_ELSEWHERE) return;
    let url;
    try {
      url = new URL(target);
    } catch {
      return;
    }
    const secure = new URL(this.#options.url).protocol === 'wss:';
    if (!(url.protocol === 'wss:' || (!secure && url.protocol === 'ws:')) || url.username || url.password) return;
    this.#joinedElsewhere++;
    const old = this.#socket;
    this.#socket = null;
    if (old) {
      old.onopen = old.onmessage = old.onclose = old.onerror = null;
      try { old.close(1000); } catch { /* ignore */ }
    }
    // everything the old node was sent goes again, in order, to the home (requests get fresh timers there)
    for (const item of this.#unanswered) {
      if (item.pending && this.#pending.delete(item.id)) this.#scheduler.clearTimeout(item.pending.timer);
    }
    this.#queue = [...this.#unanswered, ...this.#queue];
    this.#unanswered = [];
    this.#options = { ...this.#options, url: url.href };
    this.#connect(false);
  }

  /**
   * While resuming, the node reached names the meeting's new home (its old home died): resume there. At
   * most {@link MAX_JOIN_ELSEWHERE} times per resume phase, wss: only (ws: only for a ws: library).
   */
  #resumeElsewhere(target) {
    if (this.#resumedElsewhere >= MAX_JOIN_ELSEWHERE) return;
    const url = this.#followableUrl(target);
    if (!url) return;
    this.#resumedElsewhere++;
    const old = this.#socket;
    this.#socket = null;
    if (old) {
      old.onopen = old.onmessage = old.onclose = old.onerror = null;
      try { old.close(1000); } catch { /* ignore */ }
    }
    this.#options = { ...this.#options, url: url.href };
    this.#connect(true);
  }

  #followableUrl(target) {
    let url;
    try {
      url = new URL(target);
    } catch {
      return null;
    }
    const secure = new URL(this.#options.url).protocol === 'wss:';
    if (!(url.protocol === 'wss:' || (!secure && url.protocol === 'ws:')) || url.username || url.password) return null;
    return url;
  }

  #write(socket, frame) {
    const text = encodeFrame(frame);
    socket.send(text);
    this.#lastSentAt = this.#scheduler.now();
  }

  #armKeepalive() {
    if (this.#keepaliveTimer !== null) this.#scheduler.clearTimeout(this.#keepaliveTimer);
    const interval = this.#options.pingIntervalMs;
    this.#keepaliveTimer = this.#scheduler.setTimeout(() => {
      this.#keepaliveTimer = null;
      if (this.#phase === 'closed') return;
      const now = this.#scheduler.now();
      const socket = this.#socket;
      if (socket && socket.readyState === OPEN) {
        if (now - this.#lastReceivedAt > 2 * interval + 5_000) {
          // The server answers every ping; this much silence means the path is dead.
          try { socket.close(4002, 'silent'); } catch { /* ignore */ }
          this.#onSocketGone();
          return;
        }
        if (now - this.#lastSentAt >= interval - 1) {
          try { this.#write(socket, clientFrame('ping')); } catch { /* the close event follows */ }
        }
      }
      this.#armKeepalive();
    }, interval);
  }

  #onSocketGone() {
    if (this.#phase === 'closed') return;
    this.#socket = null;
    if (this.#ended) {
      this.#closeFor('ended');
      return;
    }
    if (!this.#resumeToken) {
      this.#closeFor('connectionFailed');
      return;
    }
    this.#rejectInFlight(() => LocalError.connectionLost('the request'));
    this.#queue = this.#queue.filter((item) => {
      if (!DROPPED_ON_RECONNECT.has(item.frame.type)) return true;
      item.pending?.reject(LocalError.connectionLost(`the ${item.frame.type} request`));
      return false;
    });
    const now = this.#scheduler.now();
    if (this.#phase !== 'resuming') {
      this.#phase = 'resuming';
      this.#resumeDeadline = now + this.#options.resumeGraceMs;
      this.#resumeAttempt = 0;
      this.#resumedElsewhere = 0;
      this._emit('reconnecting', {});
    }
    if (now >= this.#resumeDeadline) {
      this.#closeFor('connectionLost');
      return;
    }
    const delay = RESUME_DELAYS_MS[Math.min(this.#resumeAttempt, RESUME_DELAYS_MS.length - 1)];
    this.#resumeAttempt++;
    this.#resumeTimer = this.#scheduler.setTimeout(() => {
      this.#resumeTimer = null;
      if (this.#phase !== 'resuming') return;
      if (this.#scheduler.now() >= this.#resumeDeadline) {
        this.#closeFor('connectionLost');
        return;
      }
      this.#connect(true);
    }, Math.min(delay, Math.max(0, this.#resumeDeadline - now)));
  }

  #rejectInFlight(makeError) {
    for (const [id, pending] of this.#pending) {
      this.#scheduler.clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(makeError());
    }
  }

  #closeFor(reason) {
    this.#phase = 'closed';
    if (this.#keepaliveTimer !== null) this.#scheduler.clearTimeout(this.#keepaliveTimer);
    if (this.#resumeTimer !== null) this.#scheduler.clearTimeout(this.#resumeTimer);
    this.#keepaliveTimer = this.#resumeTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try { socket.close(1000); } catch { /* ignore */ }
    }
    this.#rejectInFlight(() => LocalError.callEnded());
    for (const item of this.#queue) item.pending?.reject(LocalError.callEnded());
    this.#queue = [];
    this._emit('closed', { reason });
  }
}
