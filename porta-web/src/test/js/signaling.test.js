// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Signaling } from '../../main/resources/web/sdk/signaling.js';
import { FakeScheduler, settle, socketFactory } from './support/fakes.js';

function setup(options = {}) {
  const clock = new FakeScheduler();
  const factory = socketFactory();
  const signaling = new Signaling({
    url: 'wss://porta.test/calling/v1', getToken: async () => 'fresh-token',
    createWebSocket: factory.create, scheduler: clock, ...options,
  });
  const events = [];
  for (const e of ['frame', 'reconnecting', 'resumed', 'closed', 'invalidFrame']) signaling.on(e, (p) => events.push([e, p]));
  return { clock, factory, signaling, events };
}

const connected = (token = 'r1') => ({ type: 'stateChanged', state: 'Connected', participantId: 'p-me', resumeToken: token, capabilities: [] });

describe('Signaling', () => {
  test('without a WebSocket factory (createWebSocket: undefined, as a Call passes it) it opens the browser\'s WebSocket', () => {
    const opened = [];
    const saved = globalThis.WebSocket;
    globalThis.WebSocket = class { constructor(url) { opened.push(url); } };
    try {
      const { signaling } = setup({ createWebSocket: undefined });
      signaling.open({ v: 1, type: 'join', token: 't' });
      assert.deepEqual(opened, ['wss://porta.test/calling/v1']);
    } finally {
      globalThis.WebSocket = saved;
    }
  });

  test('the join frame goes first and frames queued before the socket opens keep their order', async () => {
    const { factory, signaling } = setup();
    signaling.open({ v: 1, type: 'join', token: 't' });
    signaling.send('mute', { muted: true });
    const req = signaling.request('raiseHand');
    const socket = factory.sockets[0];
    assert.equal(socket.sent.length, 0);
    socket.open();
    await settle();
    assert.deepEqual(socket.sent.map((f) => f.type), ['join', 'mute', 'raiseHand']);
    socket.receive({ type: 'ack', id: socket.sent[2].id });
    await req;
  });

  test('a refused request rejects with the server code and sentence, and other frames still flow', async () => {
    const { factory, signaling, events } = setup();
    signaling.open({ v: 1, type: 'join' });
    const socket = factory.sockets[0];
    socket.open();
    await settle();
    const req = signaling.request('raiseHand');
    socket.receive({ type: 'error', id: socket.last('raiseHand').id, code: 'capabilityDisabled', message: 'raise hand is reserved for members' });
    await assert.rejects(req, (e) => e.reason === 'capabilityDisabled' && e.code === 403 && /reserved for members/.test(e.message));
    socket.receive({ type: 'activeSpeaker', participantId: 'p-2' });
    assert.equal(events.at(-1)[1].type, 'activeSpeaker');
  });

  test('an unanswered request times out with a sentence', async () => {
    const { factory, signaling, clock } = setup({ requestTimeoutMs: 1000 });
    signaling.open({ v: 1, type: 'join' });
    factory.sockets[0].open();
    await settle();
    const req = signaling.request('admitAll');
    const check = assert.rejects(req, (e) => e.code === 408 && /did not answer the admitAll request in time/.test(e.message));
    await clock.advance(1001);
    await check;
  });

  test('an idle connection sends ping and a silent one is resumed', async () => {
    const { factory, signaling, clock, events } = setup({ pingIntervalMs: 1000 });
    signaling.open({ v: 1, type: 'join' });
    const socket = factory.sockets[0];
    socket.autoPong = false;
    socket.open();
    socket.receive(connected());
    await clock.advance(1000);
    assert.equal(socket.last('ping')?.type, 'ping');
    await clock.advance(7500);
    assert.ok(events.some(([e]) => e === 'reconnecting'), 'silence past two intervals counts as a dropped socket');
  });

  test('a dropped socket is resumed with the last resume token and queued frames follow the resume', async () => {
    const { factory, signaling, clock, events } = setup();
    signaling.open({ v: 1, type: 'join' });
    const first = factory.sockets[0];
    first.open();
    first.receive(connected('r1'));
    first.serverClose(1006);
    assert.ok(events.some(([e]) => e === 'reconnecting'));
    signaling.send('chat', { text: 'still there?' });
    await clock.advance(0);
    const second = factory.sockets[1];
    assert.ok(second, 'a new socket was opened');
    second.open();
    await settle();
    assert.deepEqual(second.sent.map((f) => f.type), ['resume']);
    assert.deepEqual([second.sent[0].token, second.sent[0].resumeToken], ['fresh-token', 'r1']);
    second.receive(connected('r2'));
    assert.deepEqual(second.sent.map((f) => f.type), ['resume', 'chat']);
    assert.ok(events.some(([e]) => e === 'resumed'));
    assert.equal(signaling.resumeToken, 'r2');
  });

  test('requests in flight when the socket drops reject; an offer made during the outage follows the resume', async () => {
    const { factory, signaling, clock } = setup();
    signaling.open({ v: 1, type: 'join' });
    const first = factory.sockets[0];
    first.open();
    first.receive(connected());
    const inflight = signaling.request('admitAll');
    const check = assert.rejects(inflight, (e) => e.reason === 'connectionLost');
    first.serverClose(1006);
    await check;
    const offer = signaling.request('publishOffer', { sdp: 'v=0', sources: {} });
    await clock.advance(0);
    const second = factory.sockets[1];
    second.open();
    await settle();
    second.receive(connected('r2'));
    assert.deepEqual(second.sent.map((f) => f.type), ['resume', 'publishOffer']);
    second.receive({ type: 'publishAnswer', id: second.last('publishOffer').id, sdp: 'v=0 answer' });
    assert.equal((await offer).sdp, 'v=0 answer');
  });

  test('resuming gives up when the grace period ends', async () => {
    const { factory, signaling, clock, events } = setup({ resumeGraceMs: 5000 });
    signaling.open({ v: 1, type: 'join' });
    factory.sockets[0].open();
    factory.sockets[0].receive(connected());
    factory.sockets[0].serverClose(1006);
    for (let i = 0; i < 20; i++) {
      await clock.advance(500);
      const s = factory.sockets.at(-1);
      if (s.readyState === 0) s.serverClose(1006); // the server is unreachable
    }
    assert.deepEqual(events.filter(([e]) => e === 'closed').map(([, p]) => p.reason), ['connectionLost']);
    assert.ok(factory.sockets.length > 2, 'it tried more than once');
  });

  test('a socket closed after the server ended the participant is not resumed', async () => {
    const { factory, signaling, events } = setup();
    signaling.open({ v: 1, type: 'join' });
    const socket = factory.sockets[0];
    socket.open();
    socket.receive(connected());
    socket.receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 0, subCode: 4097 } });
    socket.serverClose(1000);
    assert.deepEqual(events.filter(([e]) => e === 'closed').map(([, p]) => p.reason), ['ended']);
    assert.equal(factory.sockets.length, 1);
  });

  test('a socket that never opens before any answer reports connectionFailed', async () => {
    const { factory, signaling, events } = setup();
    signaling.open({ v: 1, type: 'join' });
    factory.sockets[0].serverClose(1006);
    assert.deepEqual(events.filter(([e]) => e === 'closed').map(([, p]) => p.reason), ['connectionFailed']);
  });

  test('the send queue is bounded', () => {
    const { signaling } = setup({ maxQueue: 3 });
    signaling.open({ v: 1, type: 'join' });
    signaling.send('ping');
    signaling.send('ping');
    assert.throws(() => signaling.send('ping'), (e) => e.code === 429);
    return assert.rejects(signaling.request('raiseHand'), (e) => e.reason === 'queueFull');
  });

  test('invalid server frames are reported and dropped', () => {
    const { factory, signaling, events } = setup();
    signaling.open({ v: 1, type: 'join' });
    factory.sockets[0].open();
    factory.sockets[0].receive('{"v":1,"type":"roster","seq":"x","participants":[]}');
    assert.equal(events.at(-1)[0], 'invalidFrame');
  });
  test('a join answered with joinElsewhere is sent again, with what followed it, to the meeting\'s home node, and resumes go there', async () => {
    const { factory, signaling, clock, events } = setup();
    signaling.open({ v: 1, type: 'join', token: 't' });
    const first = factory.sockets[0];
    first.open();
    signaling.send('mute', { muted: true });
    await settle();
    first.receive({ type: 'joinElsewhere', url: 'wss://node-b.porta.test:8443/calling/v1' });
    first.receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 307, subCode: 7101 } });

    assert.notEqual(first.closedByClient, null, 'the socket to the other node is closed');
    const home = factory.sockets[1];
    assert.equal(home.url, 'wss://node-b.porta.test:8443/calling/v1');
    home.open();
    await settle();
    assert.deepEqual(home.sent.map((f) => f.type), ['join', 'mute']);
    home.receive(connected('r1'));
    assert.ok(!events.some(([e, p]) => e === 'closed' || p?.type === 'joinElsewhere' || p?.state === 'Disconnected'));

    home.serverClose(1006);
    await clock.advance(0);
    assert.equal(factory.sockets[2].url, 'wss://node-b.porta.test:8443/calling/v1');
  });

  test('joinElsewhere is not followed once joined, to an insecure or credentialed URL, or more than twice', async () => {
    for (const [url, joinedFirst] of [['wss://elsewhere.test/calling/v1', true], ['ws://elsewhere.test/calling/v1', false],
      ['https://elsewhere.test/calling/v1', false], ['wss://user:pw@elsewhere.test/calling/v1', false], ['not a url', false]]) {
      const { factory, signaling } = setup();
      signaling.open({ v: 1, type: 'join' });
      factory.sockets[0].open();
      if (joinedFirst) factory.sockets[0].receive(connected('r1'));
      factory.sockets[0].receive({ type: 'joinElsewhere', url });
      assert.equal(factory.sockets.length, 1, url);
    }
    const { factory, signaling, events } = setup();
    signaling.open({ v: 1, type: 'join' });
    for (let hop = 0; hop < 3; hop++) {
      factory.sockets[hop].open();
      factory.sockets[hop].receive({ type: 'joinElsewhere', url: `wss://node-${hop}.porta.test/calling/v1` });
    }
    assert.equal(factory.sockets.length, 3); // the third is not followed: its Disconnected ends the call
    factory.sockets[2].receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 307, subCode: 7101 } });
    factory.sockets[2].serverClose(1000);
    assert.deepEqual(events.at(-1), ['closed', { reason: 'ended' }]);
  });

  test('when the home node dies, the resume goes through the load balancer, waits out meetingUnavailable and follows joinElsewhere to the new home', async () => {
    const { factory, signaling, clock, events } = setup();
    signaling.open({ v: 1, type: 'join', token: 't' });
    factory.sockets[0].open();
    factory.sockets[0].receive({ type: 'joinElsewhere', url: 'wss://node-a.porta.test/calling/v1' });
    const home = factory.sockets[1];
    home.open();
    await settle();
    home.receive(connected('r1'));

    home.serverClose(1006); // node A is killed
    await clock.advance(0);
    const atDeadHome = factory.sockets[2];
    assert.equal(atDeadHome.url, 'wss://node-a.porta.test/calling/v1');
    atDeadHome.serverClose(1006); // never opens: nobody listens there any more
    await clock.advance(250);
    const viaBalancer = factory.sockets[3];
    assert.equal(viaBalancer.url, 'wss://porta.test/calling/v1', 'the next try asks the load balancer');
    viaBalancer.open();
    await settle();
    assert.equal(viaBalancer.sent[0].type, 'resume');
    // the dead home's lease has not lapsed yet: no node may serve the meeting
    viaBalancer.receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 503, subCode: 7102 } });
    viaBalancer.serverClose(1013);
    assert.ok(!events.some(([e]) => e === 'closed'), 'still resuming');
    await clock.advance(500);
    const again = factory.sockets[4];
    assert.equal(again.url, 'wss://porta.test/calling/v1');
    again.open();
    await settle();
    again.receive({ type: 'joinElsewhere', url: 'wss://node-b.porta.test/calling/v1' });
    const newHome = factory.sockets[5];
    assert.equal(newHome.url, 'wss://node-b.porta.test/calling/v1');
    newHome.open();
    await settle();
    assert.deepEqual([newHome.sent[0].type, newHome.sent[0].resumeToken], ['resume', 'r1']);
    newHome.receive(connected('r2'));
    assert.ok(events.some(([e]) => e === 'resumed'));
    assert.ok(!events.some(([e, p]) => e === 'closed' || p?.state === 'Disconnected'));
    assert.equal(signaling.resumeToken, 'r2');
  });

  test('a resume refused for any other reason than meetingUnavailable ends the call', async () => {
    const { factory, signaling, clock, events } = setup();
    signaling.open({ v: 1, type: 'join' });
    factory.sockets[0].open();
    factory.sockets[0].receive(connected('r1'));
    factory.sockets[0].serverClose(1006);
    await clock.advance(0);
    factory.sockets[1].open();
    await settle();
    factory.sockets[1].receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 410, subCode: 5270 } });
    factory.sockets[1].serverClose(1000);
    assert.deepEqual(events.at(-1), ['closed', { reason: 'ended' }]);
  });
});
