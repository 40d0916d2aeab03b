// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AzureCommunicationTokenCredential, CallClient, Features } from '../../main/resources/web/sdk/porta-calling.js';
import { rawIdOf } from '../../main/resources/web/sdk/participants.js';
import { FakeMediaSession, FakeScheduler, fakeMediaDevices, jwt, settle, socketFactory } from './support/fakes.js';

// Issue 14 item 1: people are named by the ACS identity behind them, as an app written for ACS expects.
const ADA = '8:acs:0b2e5a4c-1111-4222-8333-944455556666_0000001a-aaaa-bbbb-cccc-000000000001';
const BOB = '8:acs:0b2e5a4c-1111-4222-8333-944455556666_0000001a-aaaa-bbbb-cccc-000000000002';
const MEGAN_OID = '5c3b2a19-0d7e-4f6a-9b8c-7d6e5f4a3b2c';

const entry = (id, extra = {}) => ({
  id, kind: 'guest', displayName: id, role: 'attendee', state: 'Connected',
  muted: true, speaking: false, handRaised: false, streams: [], ...extra,
});
const connected = { type: 'stateChanged', state: 'Connected', participantId: 'p-me', resumeToken: 'r1', role: 'organizer',
  capabilities: ['audio', 'video', 'chat', 'admitFromLobby', 'manageParticipants', 'raiseHand', 'breakoutRooms'],
  recording: false, transcription: false, meeting: { meetingId: '8787280426', subject: 'Support', startDateTime: null, endDateTime: null } };

async function inMeeting(participants) {
  const clock = new FakeScheduler();
  const factory = socketFactory();
  const client = new CallClient({
    scheduler: clock, createWebSocket: factory.create, mediaDevices: fakeMediaDevices(),
    createMediaSession: (o) => new FakeMediaSession(o), signalingUrl: 'https://porta.test',
  });
  const credential = new AzureCommunicationTokenCredential(jwt({ skypeid: 'acs:guest1', exp: Math.floor(clock.now() / 1000) + 3600 }), { scheduler: clock });
  const agent = await client.createCallAgent(credential, { displayName: 'Olivia' });
  const call = agent.join({ meetingId: '8787280426', passcode: 'Xy7Qp2' });
  await settle();
  const socket = factory.sockets[0];
  socket.open();
  socket.receive(connected);
  socket.receive({ type: 'roster', seq: 1, participants: [entry('p-me', { kind: 'member', rawId: `8:orgid:${MEGAN_OID}` }), ...participants] });
  await settle();
  return { call, socket };
}

/** Answers every request the socket sent so far that was not answered yet. */
function ackAll(socket) {
  for (const frame of socket.sent) {
    if (frame.id && !frame.acked) { frame.acked = true; socket.receive({ type: 'ack', id: frame.id }); }
  }
}

async function settled(socket, promise) {
  for (let i = 0; i < 5; i++) { await settle(); ackAll(socket); }
  return promise;
}

describe('ACS identifiers', () => {
  test('a guest is a communicationUser with the identity the Identity API issued, a member a Teams user', async () => {
    const { call } = await inMeeting([
      entry('p-ada', { rawId: ADA, external: true }),
      entry('p-adele', { kind: 'member', rawId: '8:orgid:a1b2c3d4-adele' }),
      entry('p-partner', { kind: 'member', rawId: '8:orgid:f0e1d2c3-partner', external: true }),
    ]);
    const [ada, adele, partner] = call.remoteParticipants;
    assert.deepEqual(ada.identifier, { kind: 'communicationUser', communicationUserId: ADA, rawId: ADA });
    assert.deepEqual(adele.identifier, { kind: 'microsoftTeamsUser', microsoftTeamsUserId: 'a1b2c3d4-adele', isAnonymous: false,
      cloud: 'public', rawId: '8:orgid:a1b2c3d4-adele' });
    assert.deepEqual([ada.isExternal, adele.isExternal, partner.isExternal], [true, false, true]);
    assert.deepEqual([ada.isGuest, partner.isGuest], [true, false]);
    assert.equal(call.identifier.rawId, `8:orgid:${MEGAN_OID}`);
  });

  test('a guest whose identity the meeting policy hides is an unknown identifier with the meeting-scoped id', async () => {
    const { call } = await inMeeting([entry('p-hidden', { external: true })]);
    assert.deepEqual(call.remoteParticipants[0].identifier, { kind: 'unknown', id: 'p-hidden', rawId: 'p-hidden' });
  });

  test('removeParticipant takes the ACS identifier the app knows, with or without rawId, and still a participant id', async () => {
    const { call, socket } = await inMeeting([entry('p-ada', { rawId: ADA }), entry('p-bob', { rawId: BOB })]);
    await settled(socket, call.removeParticipant({ communicationUserId: ADA }));
    await settled(socket, call.removeParticipant(BOB));
    await settled(socket, call.removeParticipant('p-bob'));
    assert.deepEqual(socket.sent.filter((f) => f.type === 'removeParticipant').map((f) => f.participantId), ['p-ada', 'p-bob', 'p-bob']);
  });

  test('a member on two devices is removed from both by one Teams identifier', async () => {
    const { call, socket } = await inMeeting([
      entry('p-laptop', { kind: 'member', rawId: '8:orgid:a1b2c3d4-adele' }),
      entry('p-phone', { kind: 'member', rawId: '8:orgid:a1b2c3d4-adele' }),
    ]);
    await settled(socket, call.removeParticipant({ kind: 'microsoftTeamsUser', microsoftTeamsUserId: 'a1b2c3d4-adele', cloud: 'public' }));
    assert.deepEqual(socket.sent.filter((f) => f.type === 'removeParticipant').map((f) => f.participantId), ['p-laptop', 'p-phone']);
  });

  test('an identity that is not in the meeting is refused locally instead of being sent as a participant id', async () => {
    const { call, socket } = await inMeeting([entry('p-ada', { rawId: ADA })]);
    await assert.rejects(call.removeParticipant({ communicationUserId: BOB }), (e) => e.code === 'invalidArgument' || /identifier/.test(e.message));
    assert.equal(socket.sent.filter((f) => f.type === 'removeParticipant').length, 0);
  });

  test('the lobby admits and rejects by ACS identifier', async () => {
    const { call, socket } = await inMeeting([]);
    socket.receive({ type: 'lobby', participants: [{ id: 'p-ada', kind: 'guest', displayName: 'Ada', rawId: ADA, external: true },
      { id: 'p-bob', kind: 'guest', displayName: 'Bob', rawId: BOB, external: true }] });
    assert.deepEqual(call.lobby.participants[0].identifier, { kind: 'communicationUser', communicationUserId: ADA, rawId: ADA });
    assert.equal(call.lobby.participants[0].isExternal, true);
    await settled(socket, call.lobby.admit({ kind: 'communicationUser', communicationUserId: ADA }));
    await settled(socket, call.lobby.reject({ communicationUserId: BOB }));
    assert.equal(socket.last('admit').participantId, 'p-ada');
    assert.equal(socket.last('deny').participantId, 'p-bob');
  });

  test('hands, lowerHands and breakout assignment use identities', async () => {
    const { call, socket } = await inMeeting([entry('p-ada', { rawId: ADA })]);
    const hands = call.feature(Features.RaiseHand);
    const raised = [];
    hands.on('raisedHandEvent', (e) => raised.push(e.identifier.rawId));
    socket.receive({ type: 'rosterDelta', seq: 2, op: 'updated', participant: entry('p-ada', { rawId: ADA, handRaised: true }) });
    assert.deepEqual(raised, [ADA]);
    await settled(socket, hands.lowerHands([{ communicationUserId: ADA }]));
    assert.equal(socket.last('lowerHand').participantId, 'p-ada');
    await settled(socket, call.feature(Features.BreakoutRooms).assign('room-1', [{ communicationUserId: ADA }]));
    assert.deepEqual(socket.last('breakoutAssign').participantIds, ['p-ada']);
  });

  test('chat from someone who has left still names them by identity', async () => {
    const { call, socket } = await inMeeting([entry('p-ada', { rawId: ADA })]);
    socket.receive({ type: 'rosterDelta', seq: 2, op: 'removed', participant: { id: 'p-ada' } });
    socket.receive({ type: 'chatHistory', messages: [{ messageId: 'm1', senderId: 'p-ada', senderName: 'Ada', senderKind: 'guest', text: 'bye', sentAt: '2026-01-01T00:00:00Z' }] });
    assert.equal(call.feature(Features.Chat).messages[0].sender.communicationUserId, ADA);
  });

  test('rawIdOf computes raw ids the way @azure/communication-common does', () => {
    assert.equal(rawIdOf({ communicationUserId: ADA }), ADA);
    assert.equal(rawIdOf({ microsoftTeamsUserId: 'abc' }), '8:orgid:abc');
    assert.equal(rawIdOf({ microsoftTeamsUserId: 'abc', cloud: 'gcch' }), '8:gcch:abc');
    assert.equal(rawIdOf({ microsoftTeamsUserId: 'abc', isAnonymous: true }), '8:teamsvisitor:abc');
    assert.equal(rawIdOf({ kind: 'unknown', id: 'p-x' }), 'p-x');
    assert.equal(rawIdOf(null), null);
  });
});
