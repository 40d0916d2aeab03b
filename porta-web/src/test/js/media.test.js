// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MediaSession } from '../../main/resources/web/sdk/media.js';

/** Records what a MediaSession asks of its RTCPeerConnections. */
function fakePeerConnections(relayed = false) {
  const made = [];
  class FakePc {
    constructor(config) { this.config = config; this.iceGatheringState = 'complete'; made.push(this); }
    addEventListener() {}
    getConfiguration() { return this.config; }
    setConfiguration(c) { this.config = c; }
    async getStats() {
      return new Map([
        ['T', { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }],
        ['P', { id: 'P', type: 'candidate-pair', localCandidateId: 'L' }],
        ['L', { id: 'L', type: 'local-candidate', candidateType: relayed ? 'relay' : 'host' }],
      ]);
    }
    close() {}
  }
  return { FakePc, made };
}

describe('MediaSession and TURN', () => {
  test('both peer connections are built with the TURN servers and the transport policy', () => {
    const { FakePc, made } = fakePeerConnections();
    const iceServers = [{ urls: ['turn:t.test:3478'], username: '1:p', credential: 'c' }];
    const session = new MediaSession({ signaling: { request: async () => ({}) }, RTCPeerConnection: FakePc, iceServers, iceTransportPolicy: 'relay' });
    session.close();
    assert.equal(made.length, 2);
    for (const pc of made) {
      assert.deepEqual(pc.config.iceServers, iceServers);
      assert.equal(pc.config.iceTransportPolicy, 'relay');
      assert.equal(pc.config.bundlePolicy, 'max-bundle');
    }
  });

  test('renewed credentials replace the old ones on both connections and keep the policy', async () => {
    const { FakePc, made } = fakePeerConnections();
    const session = new MediaSession({ signaling: { request: async () => ({}) }, RTCPeerConnection: FakePc,
      iceServers: [{ urls: ['turn:t.test:3478'], username: '1:p', credential: 'old' }], iceTransportPolicy: 'relay' });
    await session.setIceServers([{ urls: ['turn:t.test:3478'], username: '2:p', credential: 'new' }]);
    session.close();
    for (const pc of made) {
      assert.equal(pc.config.iceServers[0].credential, 'new');
      assert.equal(pc.config.iceTransportPolicy, 'relay');
    }
  });
});

/** A peer connection whose state the test sets, recording offers. */
function controllablePeerConnections() {
  const made = [];
  class Pc {
    constructor(config) {
      this.config = config; this.iceGatheringState = 'complete'; this.connectionState = 'new';
      this.listeners = new Map(); this.offers = []; this.localDescription = null; made.push(this);
    }
    addEventListener(type, fn) { (this.listeners.get(type) ?? this.listeners.set(type, []).get(type)).push(fn); }
    removeEventListener() {}
    set(state) { this.connectionState = state; for (const fn of this.listeners.get('connectionstatechange') ?? []) fn(); }
    addTransceiver(track) { return { mid: '0', sender: { replaceTrack: async () => {} }, track }; }
    async createOffer(options) { this.offers.push(options ?? {}); return { type: 'offer', sdp: 'v=0\r\n' }; }
    async setLocalDescription(d) { this.localDescription = d; }
    async setRemoteDescription(d) { this.remoteDescription = d; }
    close() {}
  }
  return { Pc, made };
}

function manualTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimeout(fn, ms) { const id = next++; pending.set(id, { fn, ms }); return id; },
    clearTimeout(id) { pending.delete(id); },
    fire(ms) { for (const [id, t] of [...pending]) if (t.ms === ms) { pending.delete(id); t.fn(); } },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('MediaSession and a network change', () => {
  test('a subscribe path that fails asks the server to restart ICE, and reports recovery once connected again', async () => {
    const { Pc, made } = controllablePeerConnections();
    const requests = [];
    const timers = manualTimers();
    const session = new MediaSession({ signaling: { request: async (type) => { requests.push(type); return {}; } },
      RTCPeerConnection: Pc, scheduler: timers });
    const events = [];
    for (const e of ['reconnecting', 'recovered', 'failed']) session.on(e, () => events.push(e));
    const [, subscribe] = made;
    subscribe.set('connected');
    subscribe.set('failed');
    await settle();
    assert.deepEqual(requests, ['restartIce']);
    subscribe.set('failed');
    assert.deepEqual(requests, ['restartIce'], 'one restart at a time');
    subscribe.set('connected');
    timers.fire(30_000);
    assert.deepEqual(events, ['reconnecting', 'recovered']);
  });

  test('a publish path disconnected for 1 s restarts ICE with a new offer, and gives up after 30 s', async () => {
    const { Pc, made } = controllablePeerConnections();
    const timers = manualTimers();
    const session = new MediaSession({ signaling: { request: async (type) => (type === 'publishOffer' ? { sdp: 'v=0\r\n' } : {}) },
      RTCPeerConnection: Pc, scheduler: timers, gatherTimeoutMs: 1 });
    const events = [];
    for (const e of ['reconnecting', 'recovered', 'failed']) session.on(e, () => events.push(e));
    const [publish] = made;
    await session.setSource('microphone', { kind: 'audio' });
    publish.set('connected');
    publish.set('disconnected');
    assert.deepEqual(events, [], 'a short disconnection is left to ICE');
    timers.fire(1000);
    await settle();
    await settle();
    assert.deepEqual(publish.offers.at(-1), { iceRestart: true });
    timers.fire(30_000);
    assert.deepEqual(events, ['reconnecting', 'failed']);
  });
});
