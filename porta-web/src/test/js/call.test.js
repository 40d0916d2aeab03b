// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AzureCommunicationTokenCredential, CallClient, Features } from '../../main/resources/web/sdk/porta-calling.js';
import { connected, entry, joined } from './support/calls.js';
import { FakeMediaSession, FakeScheduler, fakeMediaDevices, jwt, settle, socketFactory } from './support/fakes.js';

describe('Call', () => {
  test('a guest joins by meeting ID, waits in the lobby, is admitted and sees the roster', async () => {
    const { call, socket, states } = await joined();
    assert.equal(socket.url, 'wss://porta.test/');
    socket.open();
    await settle();
    const join = socket.sent[0];
    assert.deepEqual([join.type, join.displayName, join.muted, join.locator.meetingId], ['join', 'Ada (Contoso)', true, '8787280426']);
    socket.receive({ type: 'stateChanged', state: 'InLobby', participantId: 'p-me', resumeToken: 'r0', meeting: connected.meeting });
    assert.equal(call.state, 'InLobby');
    const updates = [];
    call.on('remoteParticipantsUpdated', (e) => updates.push(e));
    socket.receive(connected);
    socket.receive({ type: 'roster', seq: 4, participants: [entry('p-org', { kind: 'member', role: 'organizer', muted: false, rawId: '8:orgid:6e4a1c3b-org' }), entry('p-me', { rawId: '8:acs:res_guest1' })] });
    await settle();
    assert.deepEqual(states, ['Connecting', 'InLobby', 'Connected']);
    assert.equal(call.remoteParticipants.length, 1, 'you are not your own remote participant');
    const organizer = call.remoteParticipants[0];
    assert.deepEqual(organizer.identifier, { kind: 'microsoftTeamsUser', microsoftTeamsUserId: '6e4a1c3b-org', isAnonymous: false, cloud: 'public', rawId: '8:orgid:6e4a1c3b-org' });
    assert.equal(organizer.role, 'Organizer');
    assert.equal(organizer.isMuted, false);
    assert.equal(call.totalParticipantCount, 2);
    assert.equal(updates[0].added[0], organizer);
    assert.equal(call.info.meetingId, '8787280426');
    assert.equal(call.role, 'Attendee');
  });

  test('roster deltas update participants, raise hands and publish video streams', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    socket.receive({ type: 'roster', seq: 1, participants: [entry('p-me'), entry('p-bob')] });
    const bob = call.remoteParticipants[0];
    const events = [];
    bob.on('isMutedChanged', () => events.push('muted'));
    bob.on('videoStreamsUpdated', (e) => events.push(`video+${e.added.map((s) => s.mediaStreamType)}`));
    const hands = call.feature(Features.RaiseHand);
    hands.on('raisedHandEvent', (e) => events.push(`hand:${e.identifier.rawId}`));
    socket.receive({ type: 'rosterDelta', seq: 2, op: 'updated', participant: entry('p-bob', { muted: false, handRaised: true, streams: ['audio', 'video', 'screenShare'] }) });
    assert.deepEqual(events, ['muted', 'video+Video,ScreenSharing', 'hand:p-bob']);
    assert.equal(bob.videoStreams[0].isAvailable, true);
    assert.deepEqual(hands.getRaisedHands().map((h) => h.identifier.rawId), ['p-bob']);
    const removed = [];
    call.on('remoteParticipantsUpdated', (e) => removed.push(...e.removed));
    socket.receive({ type: 'rosterDelta', seq: 3, op: 'removed', participant: { id: 'p-bob' } });
    assert.equal(removed[0], bob);
    assert.equal(bob.state, 'Disconnected');
    assert.equal(call.remoteParticipants.length, 0);
  });

  test('a gap in roster seq makes the call resume and apply the fresh snapshot', async () => {
    const { call, socket, factory, clock, medias } = await joined();
    socket.open();
    socket.receive(connected);
    socket.receive({ type: 'roster', seq: 1, participants: [entry('p-me')] });
    socket.receive({ type: 'rosterDelta', seq: 3, op: 'added', participant: entry('p-late') });
    assert.equal(call.remoteParticipants.length, 0, 'the out-of-order delta is not applied');
    await clock.advance(0);
    const second = factory.sockets[1];
    assert.ok(second, 'a new socket resumes');
    const reconnecting = [];
    call.on('isReconnectingChanged', () => reconnecting.push(call.isReconnecting));
    second.open();
    await settle();
    assert.equal(second.sent[0].type, 'resume');
    second.receive({ ...connected, resumeToken: 'r2' });
    second.receive({ type: 'roster', seq: 3, participants: [entry('p-me'), entry('p-mid'), entry('p-late')] });
    assert.deepEqual(call.remoteParticipants.map((p) => p.participantId), ['p-mid', 'p-late']);
    assert.equal(call.state, 'Connected');
    assert.deepEqual(medias[0].calls.filter(([what]) => what === 'restartIce'), [['restartIce']],
      'a resume restarts ICE on the media connections (the network may have changed)');
    assert.equal(call.isReconnecting, true, 'reconnecting until the media carries again');
    medias[0].emit('recovered', {});
    assert.deepEqual(reconnecting, [false], 'no flicker: true from the lost socket until the media recovered');
  });

  test('a refused join ends Disconnected with the server code and a sentence saying what to do', async () => {
    const { call, socket, states, agent } = await joined();
    socket.open();
    socket.receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 403, subCode: 5251, message: 'the passcode does not match', resultCategories: ['ExpectedError'], canRejoin: false } });
    assert.deepEqual(states, ['Connecting', 'Disconnected']);
    assert.deepEqual([call.callEndReason.code, call.callEndReason.subCode], [403, 5251]);
    assert.equal(call.callEndReason.message, 'The passcode does not match. Check the passcode you were given and try again.');
    assert.equal(agent.calls.length, 0);
  });

  test('a malformed meeting ID ends the call before contacting the server', async () => {
    const { call, factory } = await joined({ locator: { meetingId: 'abc', passcode: 'x' } });
    assert.equal(call.state, 'Disconnected');
    assert.equal(call.callEndReason.subCode, 6011);
    assert.match(call.callEndReason.message, /6 to 20 digits/);
    assert.equal(factory.sockets.length, 0);
  });

  test('a server that never answers the join ends the call with a timeout', async () => {
    const { call, socket, clock } = await joined();
    socket.open();
    await clock.advance(30_001);
    assert.equal(call.state, 'Disconnected');
    assert.equal(call.callEndReason.code, 408);
  });

  test('hangUp sends leave and ends with 0/0 once the server confirms', async () => {
    const { call, socket, states } = await joined();
    socket.open();
    socket.receive(connected);
    const hangingUp = call.hangUp();
    assert.equal(call.state, 'Disconnecting');
    await settle();
    assert.equal(socket.last('leave').type, 'leave');
    socket.receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 0, subCode: 0, message: '' } });
    await hangingUp;
    assert.deepEqual(states.slice(-2), ['Disconnecting', 'Disconnected']);
    assert.equal(call.callEndReason.message, 'You left the meeting.');
  });

  test('hangUp for everyone that the role does not allow rejects and leaves the call running', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    const attempt = call.hangUp({ forEveryone: true });
    await settle();
    socket.receive({ type: 'error', id: socket.last('endMeeting').id, code: 'roleRequired', message: 'only the organizer can end the meeting' });
    await assert.rejects(attempt, (e) => e.reason === 'roleRequired' && /Only the organizer can end the meeting\. Ask/.test(e.message));
    assert.equal(call.state, 'Connected');
  });

  test('the capabilities feature reflects what the server allows and screen sharing is refused up front', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    const caps = call.feature(Features.Capabilities).capabilities;
    assert.equal(caps.turnVideoOn.isPresent, true);
    assert.equal(caps.shareScreen.isPresent, false);
    assert.equal(caps.raiseHand.isPresent, false);
    await assert.rejects(call.startScreenSharing(), (e) => e.reason === 'capabilityDisabled' && e.code === 403);
  });

  test('TURN credentials sent before Connected reach the peer connections with the chosen policy, and renewals reach live ones', async () => {
    const { socket, medias } = await joined({ iceTransportPolicy: 'relay' });
    socket.open();
    const turn = (user) => ({ type: 'iceServers', expiresAt: '2030-01-15T21:00:00Z',
      iceServers: [{ urls: ['turn:turn.porta.test:3478?transport=udp', 'turns:turn.porta.test:443?transport=tcp'], username: user, credential: 'c' }] });
    socket.receive(turn('1900000000:p-me'));
    socket.receive(connected);
    await settle();
    assert.equal(medias[0].options.iceTransportPolicy, 'relay');
    assert.deepEqual(medias[0].options.iceServers, [{ urls: ['turn:turn.porta.test:3478?transport=udp', 'turns:turn.porta.test:443?transport=tcp'], username: '1900000000:p-me', credential: 'c' }]);
    socket.receive(turn('1900040000:p-me'));
    await settle();
    assert.deepEqual(medias[0].calls.find((c) => c[0] === 'setIceServers'), ['setIceServers', ['1900040000:p-me']]);
  });

  test('without TURN the peer connections get no ice servers and use every path', async () => {
    const { socket, medias } = await joined();
    socket.open();
    socket.receive(connected);
    await settle();
    assert.deepEqual(medias[0].options.iceServers, []);
    assert.equal(medias[0].options.iceTransportPolicy, 'all');
  });

  test('while a media path is restarted the call stays Connected and isReconnecting, and ends only if it never recovers', async () => {
    const { call, socket, medias } = await joined();
    socket.open();
    socket.receive(connected);
    await settle();
    const flips = [];
    call.on('isReconnectingChanged', () => flips.push(call.isReconnecting));
    medias[0].emit('reconnecting', { which: 'subscribe' });
    assert.equal(call.state, 'Connected');
    assert.equal(call.isReconnecting, true);
    medias[0].emit('recovered', {});
    assert.deepEqual(flips, [true, false]);
    medias[0].emit('reconnecting', { which: 'publish' });
    medias[0].emit('failed', { which: 'publish' });
    await settle();
    assert.equal(call.state, 'Disconnected');
  });

  test('an iceTransportPolicy other than all or relay is refused up front', () => {
    assert.throws(() => new CallClient({ iceTransportPolicy: 'udp' }), /iceTransportPolicy must be 'all' or 'relay'/);
  });

  test('joining publishes the microphone muted and unmute asks the server first', async () => {
    const { call, socket, medias } = await joined();
    socket.open();
    socket.receive(connected);
    await settle();
    socket.receive({ type: 'ack', id: socket.last('publish').id });
    await settle();
    assert.deepEqual(medias[0].calls[0], ['setSource', 'microphone', 'audio']);
    assert.equal(call.isMuted, true);
    const unmuting = call.unmute();
    await settle();
    assert.equal(socket.last('mute').muted, false);
    assert.equal(call.isMuted, true, 'still muted until the server agrees');
    socket.receive({ type: 'ack', id: socket.last('mute').id });
    await unmuting;
    assert.equal(call.isMuted, false);
  });

  test('lobby participants can be admitted by identifier and admitAll reports the count', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive({ ...connected, role: 'organizer' });
    socket.receive({ type: 'lobby', participants: [{ id: 'p-wait', kind: 'guest', displayName: 'Zoe' }] });
    const lobby = call.lobby;
    assert.equal(lobby.participants[0].state, 'InLobby');
    const admitting = lobby.admit(lobby.participants[0].identifier);
    await settle();
    assert.equal(socket.last('admit').participantId, 'p-wait');
    socket.receive({ type: 'ack', id: socket.last('admit').id });
    await admitting;
    const updates = [];
    lobby.on('lobbyParticipantsUpdated', (e) => updates.push(e));
    socket.receive({ type: 'lobbyDelta', op: 'removed', participant: { id: 'p-wait' } });
    assert.equal(updates[0].removed[0].displayName, 'Zoe');
    const all = lobby.admitAll();
    await settle();
    socket.receive({ type: 'ack', id: socket.last('admitAll').id, count: 3 });
    assert.deepEqual(await all, { successfulCount: 3, failedCount: 0 });
  });

  test('chat history, messages, reactions and the recording notice reach their features', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    socket.receive({ type: 'roster', seq: 1, participants: [entry('p-me'), entry('p-org', { kind: 'member' })] });
    socket.receive({ type: 'chatHistory', messages: [{ messageId: 'm1', senderId: 'p-org', senderName: 'Org', senderKind: 'member', text: 'hi', sentAt: '2026-01-01T00:00:00Z' }] });
    const chat = call.feature(Features.Chat);
    assert.equal(chat.messages[0].content, 'hi');
    const got = [];
    chat.on('chatMessageReceived', (e) => got.push(e.message.content));
    call.feature(Features.Reaction).on('reaction', (e) => got.push(e.reactionMessage.reactionType));
    call.feature(Features.Recording).on('isRecordingActiveChanged', () => got.push('recording'));
    socket.receive({ type: 'chatMessage', messageId: 'm2', senderId: 'p-org', senderName: 'Org', senderKind: 'member', text: 'welcome', sentAt: '2026-01-01T00:00:01Z' });
    socket.receive({ type: 'reaction', participantId: 'p-org', reaction: 'heart', at: '2026-01-01T00:00:02Z' });
    socket.receive({ type: 'recordingState', recording: true, transcription: false });
    assert.deepEqual(got, ['welcome', 'heart', 'recording']);
    assert.equal(call.feature(Features.Recording).isRecordingActive, true);
  });

  test('with explicit consent the recording feature says consent is required until grantTeamsConsent is acknowledged', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    const recording = call.feature(Features.Recording);
    const got = [];
    recording.on('isTeamsConsentRequiredChanged', () => got.push(recording.isTeamsConsentRequired));
    socket.receive({ type: 'recordingState', recording: true, transcription: false, consentRequired: true });
    assert.equal(recording.isTeamsConsentRequired, true);
    const granting = recording.grantTeamsConsent();
    await settle();
    const sent = socket.last('recordingConsent');
    assert.ok(sent, 'a recordingConsent frame went to the server');
    socket.receive({ type: 'ack', id: sent.id });
    await granting;
    socket.receive({ type: 'recordingState', recording: true, transcription: false, consentRequired: false });
    assert.deepEqual(got, [true, false]);
    assert.equal(recording.isRecordingActive, true);
  });

  test('a recorder failure reaches the recording feature as recordingFailed with its reason', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive({ ...connected, role: 'organizer' });
    const reasons = [];
    call.feature(Features.Recording).on('recordingFailed', (e) => reasons.push(e.reason));
    socket.receive({ type: 'recordingFailed', reason: 'composing failed: disk full' });
    assert.deepEqual(reasons, ['composing failed: disk full']);
  });

  test('a refused grantTeamsConsent rejects with the code the server gave', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    const granting = call.feature(Features.Recording).grantTeamsConsent();
    await settle();
    socket.receive({ type: 'error', id: socket.last('recordingConsent').id, code: 'notConnected', message: 'this needs the Connected state' });
    await assert.rejects(granting);
  });

  test('chat history sent in pages, and again after a resume, adds to the messages already held', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    const msg = (id, text) => ({ messageId: id, senderId: 'p-org', senderName: 'Org', senderKind: 'member', text, sentAt: '2026-01-01T00:00:00Z' });
    socket.receive({ type: 'chatHistory', messages: [msg('m1', 'one'), msg('m2', 'two')], more: true });
    socket.receive({ type: 'chatHistory', messages: [msg('m3', 'three')] });
    const chat = call.feature(Features.Chat);
    assert.deepEqual(chat.messages.map((m) => m.content), ['one', 'two', 'three']);
    socket.receive({ type: 'chatHistory', messages: [msg('m3', 'three'), msg('m4', 'four')] });
    assert.deepEqual(chat.messages.map((m) => m.content), ['one', 'two', 'three', 'four']);
  });

  test('a message edited or deleted through the Chat API changes in the messages held, with an event each', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    const msg = (id, text) => ({ messageId: id, senderId: 'p-org', senderName: 'Org', senderKind: 'member', text, sentAt: '2026-01-01T00:00:00Z' });
    socket.receive({ type: 'chatHistory', messages: [msg('m1', 'one'), msg('m2', 'two')] });
    const chat = call.feature(Features.Chat);
    const got = [];
    chat.on('chatMessageEdited', (e) => got.push(`edited ${e.message.messageId} ${e.message.content}`));
    chat.on('chatMessageDeleted', (e) => got.push(`deleted ${e.messageId}`));
    socket.receive({ type: 'chatMessageEdited', messageId: 'm1', text: 'one, edited', editedAt: '2026-01-01T00:00:05Z' });
    socket.receive({ type: 'chatMessageDeleted', messageId: 'm2' });
    socket.receive({ type: 'chatMessageDeleted', messageId: 'unknown' });
    assert.deepEqual(got, ['edited m1 one, edited', 'deleted m2']);
    assert.deepEqual(chat.messages.map((m) => m.content), ['one, edited']);
    assert.equal(chat.messages[0].editedOn.toISOString(), '2026-01-01T00:00:05.000Z');
  });

  test('a typing notification relayed by the server is an event naming the participant who types', async () => {
    const { call, socket } = await joined();
    socket.open();
    socket.receive(connected);
    const got = [];
    call.feature(Features.Chat).on('typingIndicatorReceived', (e) => got.push(e));
    socket.receive({ type: 'typingIndicator', senderId: 'p-org', senderName: 'Org', receivedOn: '2026-01-01T00:00:07Z' });
    socket.receive({ type: 'typingIndicator', senderId: 42 }); // malformed: dropped by the protocol check
    assert.equal(got.length, 1);
    assert.equal(got[0].senderDisplayName, 'Org');
    assert.equal(got[0].receivedOn.toISOString(), '2026-01-01T00:00:07.000Z');
    assert.ok(got[0].sender);
  });

  test('a second CallAgent for the same identity is refused with 409/40228', async () => {
    const { client, credential, agent } = await joined();
    await assert.rejects(client.createCallAgent(credential, { displayName: 'Again' }), (e) => e.code === 409 && e.subCode === 40228);
    await agent.dispose();
    const again = await client.createCallAgent(credential, { displayName: 'Again' });
    assert.ok(again);
  });

  test('joining with a meeting link on another origin throws meetingOriginNotAllowed and opens no socket', async () => {
    const clock = new FakeScheduler();
    const factory = socketFactory();
    let tokensAsked = 0;
    const client = new CallClient({ scheduler: clock, createWebSocket: factory.create, mediaDevices: fakeMediaDevices(), createMediaSession: (o) => new FakeMediaSession(o), signalingUrl: 'wss://porta.test/calling/v1' });
    const token = jwt({ skypeid: 'acs:g', exp: Math.floor(clock.now() / 1000) + 3600 });
    const credential = new AzureCommunicationTokenCredential(token, { scheduler: clock });
    const agent = await client.createCallAgent({ getToken: async () => { tokensAsked++; return credential.getToken(); } }, { displayName: 'Ada' });
    tokensAsked = 0;
    assert.throws(() => agent.join({ meetingLink: 'https://evil.test/l/meetup-join/x' }), (e) => e.reason === 'meetingOriginNotAllowed');
    await settle();
    assert.equal(factory.sockets.length, 0, 'no WebSocket was opened');
    assert.equal(tokensAsked, 0, 'the token was not even fetched');
    assert.equal(agent.calls.length, 0);
  });

  test('a refreshed token is sent to the server with updateToken', async () => {
    const clock = new FakeScheduler();
    const factory = socketFactory();
    const client = new CallClient({ scheduler: clock, createWebSocket: factory.create, mediaDevices: fakeMediaDevices(), createMediaSession: (o) => new FakeMediaSession(o), signalingUrl: 'wss://porta.test/calling/v1' });
    const make = () => jwt({ skypeid: 'acs:g', iat: Math.floor(clock.now() / 1000), exp: Math.floor(clock.now() / 1000) + 3600 });
    const credential = new AzureCommunicationTokenCredential({ token: make(), tokenRefresher: async () => make() }, { scheduler: clock });
    const agent = await client.createCallAgent(credential, { displayName: 'Ada' });
    const call = agent.join({ meetingLink: 'https://porta.test/meet/x' });
    await settle();
    factory.sockets[0].open();
    factory.sockets[0].receive(connected);
    await clock.advance(51 * 60_000);
    const update = factory.sockets[0].last('updateToken');
    assert.ok(update, 'updateToken was sent');
    assert.notEqual(update.token, factory.sockets[0].sent[0].token);
    assert.equal(call.state, 'Connected');
  });

  test('in a large meeting the call holds one page of participants and counts everyone', async () => {
    const { call, socket } = await joined();
    socket.open();
    await settle();
    assert.equal(socket.sent[0].rosterVersion, 2, 'the join asks for batches and pages');
    socket.receive(connected);
    socket.receive({ type: 'roster', seq: 10, offset: 0, total: 250, participants: [entry('p-a'), entry('p-b'), entry('p-me')] });
    assert.equal(call.remoteParticipants.length, 2);
    assert.equal(call.totalParticipantCount, 250);
    const counts = [];
    call.on('totalParticipantCountChanged', () => counts.push(call.totalParticipantCount));
    socket.receive({ type: 'rosterDelta', seq: 14, prev: 10, total: 254, changes: [] });
    assert.deepEqual(counts, [254], 'joins outside the page change the count only');
    socket.receive({ type: 'rosterDelta', seq: 15, prev: 14, total: 253, changes: [{ op: 'removed', participant: { id: 'p-a' } }, { op: 'added', participant: entry('p-c') }] });
    assert.deepEqual(call.remoteParticipants.map((p) => p.id ?? p.identifier.rawId), ['p-b', 'p-c']);
    assert.deepEqual(counts, [254, 253]);
    const asked = call.showParticipants({ offset: 100, limit: 50 });
    await settle();
    const request = socket.sent.find((f) => f.type === 'rosterPage');
    assert.deepEqual([request.offset, request.limit], [100, 50]);
    socket.receive({ type: 'roster', seq: 15, offset: 100, total: 253, participants: [entry('p-x'), entry('p-me')] });
    socket.receive({ type: 'ack', id: request.id });
    await asked;
    assert.deepEqual(call.remoteParticipants.map((p) => p.identifier.rawId), ['p-x']);
    assert.deepEqual(counts, [254, 253], 'another page of the same meeting is not another count');
    await assert.rejects(call.showParticipants({ offset: -1, limit: 5 }));
  });
});
