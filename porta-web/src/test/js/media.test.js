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
    new MediaSession({ signaling: { request: async () => ({}) }, RTCPeerConnection: FakePc, iceServers, iceTransportPolicy: 'relay' });
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
    for (const pc of made) {
      assert.equal(pc.config.iceServers[0].credential, 'new');
      assert.equal(pc.config.iceTransportPolicy, 'relay');
    }
  });
});
