// SPDX-License-Identifier: Apache-2.0
// The meeting's home node died and the resume landed on the node that took it over (docs/cluster.md).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LocalVideoStream, VideoStreamRenderer } from '../../main/resources/web/sdk/porta-calling.js';
import { MediaSession } from '../../main/resources/web/sdk/media.js';
import { MediaSessionTracker, republish } from '../../main/resources/web/sdk/media-rehome.js';
import { RemoteVideoStream } from '../../main/resources/web/sdk/streams.js';
import { connected, entry, joined } from './support/calls.js';
import { fakeTrack, settle } from './support/fakes.js';

/** Answers every request the client sent on `socket` with an ack, until it sends no more. */
async function ackEverything(socket) {
  for (let round = 0; round < 20; round++) {
    await settle();
    const open = socket.sent.filter((f) => f.id && !socket.acked?.has(f.id));
    if (open.length === 0) return;
    socket.acked ??= new Set();
    for (const f of open) {
      socket.acked.add(f.id);
      socket.receive({ type: 'ack', id: f.id });
    }
  }
}

/** A call Connected on node A with media session m-a, Bob in the meeting; then A dies and the socket drops. */
async function connectedThenHomeDies(options = {}) {
  const j = await joined();
  j.socket.open();
  await settle();
  j.socket.receive({ ...connected, mediaSession: 'm-a' });
  j.socket.receive({ type: 'roster', seq: 1, participants: [entry('p-me'), entry('p-bob', { muted: false, streams: ['audio', 'video'] })] });
  await ackEverything(j.socket);
  if (options.camera) {
    const track = fakeTrack('video');
    j.cameraTrack = track;
    const starting = j.call.startVideo(new LocalVideoStream({ id: 'cam', getVideoTracks: () => [track], getTracks: () => [track] }));
    await ackEverything(j.socket);
    await starting;
  }
  j.socket.serverClose(1006);
  await j.clock.advance(0);
  const second = j.factory.sockets[1];
  second.open();
  await settle();
  return { ...j, second };
}

describe('Media after the meeting moved to another node', () => {
  test('a resume answered with a new media session makes new peer connections and sends the microphone again, still muted', async () => {
    const { call, second, medias } = await connectedThenHomeDies();
    assert.equal(second.sent[0].type, 'resume');
    assert.equal(second.sent[0].rosterVersion, 2, 'the new home speaks the roster as the join asked');
    assert.equal(call.isMuted, true);
    // while the socket was down, the old publish connection's ICE restart queued an offer for the dead SFU
    const stale = medias[0].options.signaling.request('publishOffer', { sdp: 'v=0 old', sources: {} });
    const reconnecting = [];
    call.on('isReconnectingChanged', () => reconnecting.push(call.isReconnecting));

    second.receive({ ...connected, resumeToken: 'r2', mediaSession: 'm-b' });
    // the new home's roster has us unmuted (it starts everyone so): not our state, which it has not heard yet
    second.receive({ type: 'roster', seq: 1, participants: [entry('p-me', { muted: false }), entry('p-bob', { muted: false, streams: ['audio', 'video'] })] });
    await assert.rejects(stale, (e) => e.reason === 'connectionLost');
    await ackEverything(second);

    assert.equal(medias.length, 2, 'a new media session');
    assert.deepEqual(medias[0].calls.filter(([what]) => what === 'close' || what === 'restartIce'), [['close']],
      'the old peer connections are closed, not restarted');
    assert.equal(second.sent.some((f) => f.type === 'publishOffer'), false, "the old connection's offer never reaches the new home");
    const after = second.sent.slice(1).map((f) => (f.type === 'mute' ? `mute:${f.muted}` : `${f.type}:${f.source}`));
    assert.deepEqual(after, ['mute:true', 'publish:microphone']);
    assert.deepEqual(medias[1].calls, [['setSource', 'microphone', 'audio']]);
    assert.equal(call.isMuted, true, 'still muted');
    assert.equal(call.state, 'Connected');
    assert.equal(call.isReconnecting, true, 'reconnecting until the new media carries');
    medias[1].emit('connected', {});
    assert.deepEqual(reconnecting, [false], 'no flicker: true from the lost socket until the new media carries');
  });

  test('a camera that was on is sent again on the new peer connections, with no new device prompt', async () => {
    const { call, second, medias, cameraTrack } = await connectedThenHomeDies({ camera: true });
    assert.equal(call.isLocalVideoStarted, true);
    second.receive({ ...connected, resumeToken: 'r2', mediaSession: 'm-b' });
    await ackEverything(second);
    assert.deepEqual(second.sent.filter((f) => f.type === 'publish').map((f) => f.source), ['microphone', 'camera']);
    assert.deepEqual(medias[1].calls, [['setSource', 'microphone', 'audio'], ['setSource', 'camera', 'video']]);
    assert.equal(call.isLocalVideoStarted, true);
    assert.equal(call.localVideoStreams.length, 1);
    assert.equal(cameraTrack.stopped, false, 'the same camera track goes on');
  });

  test('a camera the new home refuses stops and is reported; the microphone still comes back', async () => {
    const { call, second, medias } = await connectedThenHomeDies({ camera: true });
    const errors = [];
    call.on('error', (e) => errors.push(e.code));
    second.receive({ ...connected, resumeToken: 'r2', mediaSession: 'm-b' });
    const answered = new Set();
    for (let round = 0; round < 20; round++) {
      await settle();
      for (const f of second.sent.filter((x) => x.id && !answered.has(x.id))) {
        answered.add(f.id);
        second.receive(f.type === 'publish' && f.source === 'camera'
          ? { type: 'error', id: f.id, code: 'capabilityDisabled', message: 'video is off for guests here' }
          : { type: 'ack', id: f.id });
      }
    }
    assert.deepEqual(medias[1].calls, [['setSource', 'microphone', 'audio']]);
    assert.equal(call.isLocalVideoStarted, false, 'the camera is off');
    assert.equal(errors.length, 1, 'the refusal is reported once');
    assert.ok(second.sent.some((f) => f.type === 'unpublish' && f.source === 'camera'), 'the new home is told the camera is not coming');
  });

  test('a resume on the node that still holds the media session keeps the peer connections and restarts ICE', async () => {
    const { call, second, medias } = await connectedThenHomeDies();
    second.receive({ ...connected, resumeToken: 'r2', mediaSession: 'm-a' });
    await ackEverything(second);
    assert.equal(medias.length, 1);
    assert.deepEqual(medias[0].calls.filter(([what]) => what === 'close' || what === 'restartIce'), [['restartIce']]);
    assert.deepEqual(second.sent.slice(1), []);
    assert.equal(call.isReconnecting, true, 'until the restarted media carries');
  });

  test('a server that names no media session is taken to have kept it', () => {
    const sessions = new MediaSessionTracker();
    assert.equal(sessions.changed({}), false);
    assert.equal(sessions.changed({ mediaSession: 'm-a' }), false, 'the first session named is no change');
    assert.equal(sessions.changed({}), false);
    assert.equal(sessions.changed({ mediaSession: 'm-a' }), false);
    assert.equal(sessions.changed({ mediaSession: 'm-b' }), true);
  });

  test('a source the new home refuses is reported and the others still come back', async () => {
    const requests = [];
    const request = async (type, fields) => {
      requests.push(`${type}:${fields.source ?? fields.muted}`);
      if (type === 'publish' && fields.source === 'screen') throw Object.assign(new Error('someone else is sharing a screen'), { reason: 'screenShareBusy' });
      return {};
    };
    const set = [];
    const media = { setSource: async (source, track) => { set.push(`${source}:${track.kind}`); } };
    const track = (kind) => ({ kind, readyState: 'live' });
    const outcome = await republish(request, media, {
      muted: false, microphone: track('audio'), camera: async () => track('video'), screen: async () => track('video'),
    });
    assert.deepEqual(set, ['microphone:audio', 'camera:video']);
    assert.deepEqual(outcome.failed.map((f) => [f.source, f.error.reason]), [['screen', 'screenShareBusy']]);
    assert.equal(outcome.muted, false);
    await settle();
    assert.deepEqual(requests, ['mute:false', 'publish:microphone', 'publish:camera', 'publish:screen', 'unpublish:screen']);
  });

  test('a new home that does not let the participant unmute leaves it muted', async () => {
    const request = async (type, fields) => {
      if (type === 'mute' && fields.muted === false) throw Object.assign(new Error('not allowed'), { reason: 'capabilityDisabled' });
      return {};
    };
    const outcome = await republish(request, { setSource: async () => {} }, { muted: false, microphone: null, camera: null, screen: null });
    assert.equal(outcome.muted, true);
  });

  test('a media session reports connected once, when its first connection carries', () => {
    const made = [];
    class Pc {
      constructor() { this.connectionState = 'new'; this.listeners = []; made.push(this); }
      addEventListener(type, fn) { if (type === 'connectionstatechange') this.listeners.push(fn); }
      removeEventListener() {}
      set(state) { this.connectionState = state; for (const fn of this.listeners) fn(); }
      close() {}
    }
    const session = new MediaSession({ signaling: { request: async () => ({}) }, RTCPeerConnection: Pc,
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} } });
    let connectedEvents = 0;
    session.on('connected', () => connectedEvents++);
    made[1].set('connecting');
    assert.equal(session.isConnected, false);
    made[1].set('connected');
    made[0].set('connected');
    assert.equal(connectedEvents, 1);
    assert.equal(session.isConnected, true);
    session.close();
  });

  test("a view made before the move plays the new home's track of the same video without the app doing anything", async () => {
    const saved = { document: globalThis.document, MediaStream: globalThis.MediaStream };
    const videos = [];
    globalThis.document = {
      createElement: (tag) => {
        const el = { tag, style: {}, srcObject: null, setAttribute() {}, addEventListener() {}, appendChild() {}, remove() {}, pause() {} };
        if (tag === 'video') videos.push(el);
        return el;
      },
    };
    globalThis.MediaStream = class { constructor(tracks) { this.tracks = tracks; } getTracks() { return this.tracks; } };
    try {
      const stream = new RemoteVideoStream(1, 'Video', 'p-bob');
      stream._setAvailable(true);
      const fromA = { kind: 'video', id: 'from A' };
      stream._setTrack(fromA);
      const view = await new VideoStreamRenderer(stream).createView();
      const [video] = videos;
      assert.deepEqual(video.srcObject.getTracks(), [fromA]);
      stream._setTrack(null); // the old peer connection closed
      const fromB = { kind: 'video', id: 'from B' };
      stream._setTrack(fromB);
      assert.deepEqual(video.srcObject.getTracks(), [fromB]);
      view.dispose();
      stream._setTrack({ kind: 'video', id: 'later' });
      assert.equal(video.srcObject, null, 'a disposed view follows nothing');
    } finally {
      Object.assign(globalThis, saved);
    }
  });
});
