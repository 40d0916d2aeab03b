// SPDX-License-Identifier: Apache-2.0
// Test doubles: a clock with manual time, a scripted WebSocket, a media session, media devices.

/** A scheduler whose time moves only when a test calls advance(). */
export class FakeScheduler {
  #now;
  #timers = new Map();
  #next = 1;
  constructor(start = Date.UTC(2026, 0, 1)) { this.#now = start; }
  now() { return this.#now; }
  setTimeout(fn, ms) {
    const handle = this.#next++;
    this.#timers.set(handle, { at: this.#now + Math.max(0, ms), fn });
    return handle;
  }
  clearTimeout(handle) { this.#timers.delete(handle); }
  get pending() { return this.#timers.size; }
  /** Moves time forward by ms, running due timers in time order (and letting promises settle between them). */
  async advance(ms) {
    const target = this.#now + ms;
    for (;;) {
      let due = null;
      for (const [handle, t] of this.#timers) if (t.at <= target && (!due || t.at < due[1].at)) due = [handle, t];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}

/** Lets pending promise callbacks and immediate tasks run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Makes an unsigned JWT with the given claims (the library never verifies signatures). */
export function jwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** A WebSocket the test drives: open(), receive(frame), serverClose(), and the frames the client sent. */
export class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 3;
  readyState = 0;
  /** @type {any[]} parsed frames the client sent */
  sent = [];
  closedByClient = null;
  /** Answer ping with pong, like the server. */
  autoPong = true;
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  constructor(url) { this.url = url; }
  send(text) {
    if (this.readyState !== 1) throw new Error('not open');
    const frame = JSON.parse(text);
    this.sent.push(frame);
    if (frame.type === 'ping' && this.autoPong) queueMicrotask(() => this.receive({ type: 'pong' }));
  }
  close(code) {
    if (this.readyState === 3) return;
    this.closedByClient = code ?? 1000;
    this.readyState = 3;
  }
  open() { this.readyState = 1; this.onopen?.({}); }
  receive(frame) { this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify({ v: 1, ...frame }) }); }
  serverClose(code = 1000) { this.readyState = 3; this.onclose?.({ code }); }
  /** The last sent frame of a type. */
  last(type) { return [...this.sent].reverse().find((f) => f.type === type); }
}

/** Collects sockets a factory created. */
export function socketFactory() {
  const sockets = [];
  const create = (url) => { const s = new FakeWebSocket(url); sockets.push(s); return s; };
  return { sockets, create };
}

/** A media session stand-in recording what the call asked for. */
export class FakeMediaSession {
  calls = [];
  #listeners = new Map();
  constructor(options) { this.options = options; }
  on(event, fn) { (this.#listeners.get(event) ?? this.#listeners.set(event, []).get(event)).push(fn); }
  off() {}
  emit(event, payload) { for (const fn of this.#listeners.get(event) ?? []) fn(payload); }
  #sources = new Set();
  isConnected = false;
  get publishedSources() { return [...this.#sources]; }
  async setSource(source, track) {
    this.calls.push(['setSource', source, track ? track.kind : null]);
    if (track) this.#sources.add(source);
  }
  async renegotiate(options) { this.calls.push(['renegotiate', options ?? {}]); }
  /** As the real one: a restart of a connected path reports `reconnecting` at once. */
  restartIce() { this.calls.push(['restartIce']); this.emit('reconnecting', { which: 'publish', reason: 'resumed' }); }
  async acceptSubscribeOffer(sdp) { this.calls.push(['subscribeOffer', sdp]); }
  async setIceServers(servers) { this.calls.push(['setIceServers', servers.map((s) => s.username)]); }
  remoteTrack() { return null; }
  close() { this.calls.push(['close']); }
}

export function fakeTrack(kind) {
  return { kind, enabled: true, stopped: false, stop() { this.stopped = true; }, addEventListener() {}, removeEventListener() {} };
}

/** navigator.mediaDevices with one microphone and one camera, permission granted. */
export function fakeMediaDevices() {
  return {
    async enumerateDevices() {
      return [
        { kind: 'audioinput', deviceId: 'default', label: 'Default microphone' },
        { kind: 'videoinput', deviceId: 'cam1', label: 'USB Camera (046d)' },
        { kind: 'audiooutput', deviceId: 'default', label: 'Speakers' },
      ];
    },
    async getUserMedia(constraints) {
      const tracks = [];
      if (constraints.audio) tracks.push(fakeTrack('audio'));
      if (constraints.video) tracks.push(fakeTrack('video'));
      return {
        getTracks: () => tracks,
        getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
        getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
      };
    },
    addEventListener() {},
    removeEventListener() {},
  };
}

/** A roster entry as the server sends it (protocol §4.2): a connected, muted guest unless `extra` says otherwise. */
export function rosterEntry(id, extra = {}) {
  return { id, kind: 'guest', displayName: id, role: 'attendee', state: 'Connected',
    muted: true, speaking: false, handRaised: false, streams: [], ...extra };
}

/** The server's `stateChanged` to Connected as participant `p-me`, with `capabilities`. */
export function connectedFrame(capabilities) {
  return { type: 'stateChanged', state: 'Connected', participantId: 'p-me', resumeToken: 'r1', role: 'attendee',
    capabilities, recording: false, transcription: false,
    meeting: { meetingId: '8787280426', subject: 'Support', startDateTime: null, endDateTime: null } };
}
