// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeFrame, normaliseDisplayName, normaliseLocator, parseServerFrame } from '../../main/resources/web/sdk/protocol.js';
import { parseMediaSections, publishSourcesByMid, remoteTracksByMid } from '../../main/resources/web/sdk/sdp.js';
import { meetingOrigins, signalingUrlFor } from '../../main/resources/web/sdk/call-client.js';

const frame = (o) => JSON.stringify({ v: 1, ...o });

describe('Message validation', () => {
  test('a meeting ID typed with spaces is accepted as digits and the passcode is trimmed', () => {
    assert.deepEqual(normaliseLocator({ meetingId: '878 728 042 6', passcode: ' Xy7Qp2 ' }), { ok: true, locator: { meetingId: '8787280426', passcode: 'Xy7Qp2' } });
  });

  test('a wrong locator is refused with a sentence naming the problem', () => {
    assert.match(normaliseLocator({ meetingId: '12ab', passcode: 'x' }).message, /6 to 20 digits/);
    assert.match(normaliseLocator({ meetingId: '123456', passcode: '' }).message, /passcode/);
    assert.match(normaliseLocator({ meetingLink: 'http://porta.example/meet/1' }).message, /https/);
    assert.match(normaliseLocator({ groupId: 'x' }).message, /not supported/);
  });

  test('display names follow the server rules: trimmed, 1 to 100 code points, no control characters', () => {
    assert.deepEqual(normaliseDisplayName('  Ada (Contoso) '), { ok: true, displayName: 'Ada (Contoso)' });
    assert.equal(normaliseDisplayName('😀'.repeat(100)).ok, true);
    assert.equal(normaliseDisplayName('x'.repeat(101)).ok, false);
    assert.equal(normaliseDisplayName('   ').ok, false);
    assert.equal(normaliseDisplayName('Ada\nLovelace').ok, false);
    assert.equal(normaliseDisplayName('Ada\u2028Lovelace').ok, false);
    assert.equal(normaliseDisplayName(undefined).ok, false);
  });

  test('iceServers frames carry only turn: and turns: servers with credentials', () => {
    const ok = { urls: ['turn:t.test:3478?transport=udp', 'turns:t.test:443?transport=tcp'], username: '1:p', credential: 'c' };
    assert.equal(parseServerFrame(frame({ type: 'iceServers', iceServers: [ok], expiresAt: '2030-01-01T00:00:00Z' })).kind, 'frame');
    for (const bad of [{ ...ok, urls: ['https://evil.test'] }, { ...ok, urls: [] }, { urls: ok.urls, username: '1:p' }]) {
      assert.equal(parseServerFrame(frame({ type: 'iceServers', iceServers: [bad] })).kind, 'invalid');
    }
  });

  test('a valid server frame is accepted and unknown fields are ignored', () => {
    const parsed = parseServerFrame(frame({ type: 'rosterDelta', seq: 3, op: 'removed', participant: { id: 'p-1' }, future: true }));
    assert.equal(parsed.kind, 'frame');
  });

  test('a version 2 rosterDelta batch is checked change by change', () => {
    const entry = { id: 'p-2', kind: 'guest', displayName: 'B', role: 'attendee', state: 'Connected', muted: true,
      speaking: false, handRaised: false, streams: [] };
    const batch = { type: 'rosterDelta', seq: 9, prev: 7, total: 12, changes: [{ op: 'removed', participant: { id: 'p-1' } }, { op: 'added', participant: entry }] };
    assert.equal(parseServerFrame(frame(batch)).kind, 'frame');
    assert.equal(parseServerFrame(frame({ ...batch, prev: undefined })).kind, 'invalid', 'a batch names the seq it follows');
    assert.equal(parseServerFrame(frame({ ...batch, changes: [{ op: 'added', participant: { id: 'p-3' } }] })).kind, 'invalid');
    assert.equal(parseServerFrame(frame({ ...batch, changes: [{ op: 'renamed', participant: entry }] })).kind, 'invalid');
    assert.equal(parseServerFrame(frame({ type: 'roster', seq: 9, offset: '0', total: 3, participants: [] })).kind, 'invalid');
  });

  test('an unknown server frame type is ignored, not an error', () => {
    assert.equal(parseServerFrame(frame({ type: 'somethingNew' })).kind, 'ignore');
  });

  test('frames with the wrong version, bad JSON or wrong field types are invalid', () => {
    assert.equal(parseServerFrame(JSON.stringify({ v: 2, type: 'pong' })).kind, 'invalid');
    assert.equal(parseServerFrame('{not json').kind, 'invalid');
    assert.equal(parseServerFrame('[1]').kind, 'invalid');
    assert.equal(parseServerFrame(frame({ type: 'roster', seq: '1', participants: [] })).kind, 'invalid');
    assert.equal(parseServerFrame(frame({ type: 'rosterDelta', seq: 2, op: 'added', participant: { id: 'p-1' } })).kind, 'invalid');
    assert.equal(parseServerFrame(frame({ type: 'stateChanged', state: 'Connected' })).kind, 'invalid', 'Connected needs a resumeToken');
    assert.equal(parseServerFrame(new ArrayBuffer(2)).kind, 'invalid');
  });

  test('a frame larger than the server accepts is refused before sending', () => {
    assert.throws(() => encodeFrame({ v: 1, type: 'publishOffer', sdp: 'x'.repeat(70_000) }), /larger than the server accepts/);
  });
});

describe('Signaling address', () => {
  test('an explicit signalingUrl wins and https becomes wss', () => {
    assert.equal(signalingUrlFor({ meetingId: '123456' }, 'https://porta.example:8443/calling/v1', 'https://cdn.example/sdk/porta-calling.js'), 'wss://porta.example:8443/calling/v1');
  });
  test('a meeting link on the library\'s origin joins through the library\'s origin', () => {
    assert.equal(signalingUrlFor({ meetingLink: 'https://porta.example/meet/abc?p=1' }, undefined, 'https://porta.example/sdk/x.js'), 'wss://porta.example/calling/v1');
  });
  test('a meeting link on another origin never chooses the signaling server: it is refused with meetingOriginNotAllowed', () => {
    assert.throws(() => signalingUrlFor({ meetingLink: 'https://evil.example/l/meetup-join/x' }, undefined, 'https://porta.example/sdk/porta-calling.js'),
      (e) => e.name === 'CallingError' && e.reason === 'meetingOriginNotAllowed' && e.code === 403 && e.subCode === 46108
        && /evil\.example/.test(e.message) && /allowedMeetingOrigins/.test(e.message));
    assert.throws(() => signalingUrlFor({ meetingLink: 'https://porta.example:9443/l/x' }, 'wss://porta.example/calling/v1', 'https://cdn.example/x.js'),
      (e) => e.reason === 'meetingOriginNotAllowed', 'another port is another origin');
  });
  test('an allow-listed origin may carry meeting links, but signaling still goes to the library\'s server', () => {
    const allowed = meetingOrigins(['https://meet.contoso.example/']);
    assert.equal(signalingUrlFor({ meetingLink: 'https://meet.contoso.example/l/x' }, undefined, 'https://porta.example/sdk/x.js', allowed), 'wss://porta.example/calling/v1');
    assert.throws(() => meetingOrigins(['http://meet.contoso.example']), TypeError);
    assert.throws(() => meetingOrigins('https://meet.contoso.example'), TypeError);
  });
  test('a meeting ID uses the origin the library was loaded from', () => {
    assert.equal(signalingUrlFor({ meetingId: '123456' }, undefined, 'https://porta.example/sdk/porta-calling.js'), 'wss://porta.example/calling/v1');
  });
});

const SUBSCRIBE_OFFER = [
  'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1 2 3', 'a=ice-lite',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=sendonly', 'a=msid:p-alice microphone',
  'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'a=sendonly', 'a=msid:p-alice camera',
  'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:2', 'a=sendonly', 'a=msid:p-bob screen',
  'm=video 0 UDP/TLS/RTP/SAVPF 96', 'a=mid:3', 'a=inactive', 'a=msid:p-gone camera',
  '',
].join('\r\n');

describe('SDP bookkeeping', () => {
  test('each m-section of the subscribe offer maps its mid to a participant and a source', () => {
    const map = remoteTracksByMid(SUBSCRIBE_OFFER);
    assert.deepEqual(map.get('0'), { participantId: 'p-alice', source: 'microphone', kind: 'audio' });
    assert.deepEqual(map.get('1'), { participantId: 'p-alice', source: 'camera', kind: 'video' });
    assert.deepEqual(map.get('2'), { participantId: 'p-bob', source: 'screen', kind: 'video' });
  });

  test('rejected, inactive or unlabelled sections carry no remote track', () => {
    const map = remoteTracksByMid(SUBSCRIBE_OFFER);
    assert.equal(map.has('3'), false);
    assert.equal(remoteTracksByMid('v=0\nm=audio 9 RTP 0\na=mid:a\na=sendonly\na=msid:- track\n').size, 0);
    assert.equal(remoteTracksByMid('v=0\nm=audio 9 RTP 0\na=mid:a\na=sendonly\na=msid:p-x whiteboard\n').size, 0);
  });

  test('media sections inherit the session-level direction and read LF-only SDP', () => {
    const sections = parseMediaSections('v=0\na=recvonly\nm=audio 9 RTP 0\na=mid:x\n');
    assert.equal(sections[0].direction, 'recvonly');
    assert.equal(sections[0].mid, 'x');
  });

  test('the publish sources map names each sending mid once', () => {
    assert.deepEqual(publishSourcesByMid([{ mid: '0', source: 'microphone' }, { mid: '1', source: 'camera' }, { mid: '2', source: 'screen' }]),
      { 0: 'microphone', 1: 'camera', 2: 'screen' });
  });

  test('a publish map with a missing mid, an unknown source or a duplicate is refused', () => {
    assert.throws(() => publishSourcesByMid([{ mid: null, source: 'camera' }]), /no mid/);
    assert.throws(() => publishSourcesByMid([{ mid: '0', source: 'hologram' }]), /unknown source/);
    assert.throws(() => publishSourcesByMid([{ mid: '0', source: 'camera' }, { mid: '1', source: 'camera' }]), /twice/);
    assert.throws(() => publishSourcesByMid([{ mid: '0', source: 'camera' }, { mid: '0', source: 'screen' }]), /twice/);
  });
});
