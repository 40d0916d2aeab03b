// SPDX-License-Identifier: Apache-2.0
// Issue 20 item 1: Microsoft's UI Library (@azure/communication-react) runs on porta-calling-acs.js unchanged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as acs from '../../main/resources/web/sdk/porta-calling-acs.js';
import * as porta from '../../main/resources/web/sdk/porta-calling.js';
import * as effects from '../../main/resources/web/sdk/porta-calling-effects.js';
import { environmentInfo } from '../../main/resources/web/sdk/acs-compat.js';
import { FakeMediaSession, FakeScheduler, connectedFrame, fakeMediaDevices, jwt, rosterEntry, settle, socketFactory } from './support/fakes.js';

/**
 * The 21 feature names @azure/communication-react 1.34.0 references (`Features.X` in its dist-esm, found with
 * `grep -rhoE 'Features\s*\.\s*[A-Za-z]+'`); it compares features by identity.
 */
const UI_LIBRARY_FEATURES = ['AudioEffects', 'BreakoutRooms', 'CallSurvey', 'Capabilities', 'Captions', 'DebugInfo',
  'DominantSpeakers', 'MediaAccess', 'OptimalVideoCount', 'PPTLive', 'RaiseHand', 'Reaction', 'RealTimeText',
  'Recording', 'Spotlight', 'TeamsMeetingAudioConferencing', 'TogetherMode', 'Transcription', 'Transfer',
  'UserFacingDiagnostics', 'VideoEffects'];
const CLIENT_FEATURES = ['DebugInfo'];
const STREAM_FEATURES = ['VideoEffects', 'AudioEffects'];

/** Wraps an object as the UI Library's declarative layer does: every property read through a Proxy, methods called on it. */
function uiLibraryProxy(target) {
  return new Proxy(target, { get: (t, prop, receiver) => Reflect.get(t, prop, receiver) });
}

const entry = rosterEntry;
const connected = connectedFrame(['audio', 'video', 'chat', 'raiseHand']);

async function joined(lib = acs) {
  const clock = new FakeScheduler();
  const factory = socketFactory();
  const medias = [];
  const client = new lib.CallClient({
    scheduler: clock, createWebSocket: factory.create, mediaDevices: fakeMediaDevices(),
    createMediaSession: (o) => { const m = new FakeMediaSession(o); medias.push(m); return m; },
    signalingUrl: 'https://porta.test',
  });
  const credential = new lib.AzureCommunicationTokenCredential(jwt({ skypeid: 'acs:guest1', exp: Math.floor(clock.now() / 1000) + 3600 }), { scheduler: clock });
  const wrap = lib === acs ? uiLibraryProxy : (o) => o;
  const agent = await wrap(client).createCallAgent(credential, { displayName: 'Olivia' });
  const call = wrap(agent).join({ meetingId: '8787280426', passcode: 'Xy7Qp2' });
  await settle();
  const socket = factory.sockets[0];
  socket.open();
  return { client, agent, call, socket, medias, clock };
}

async function inMeeting(selfEntry = entry('p-me', { rawId: '8:acs:guest1' }), others = []) {
  const joinedCall = await joined();
  joinedCall.socket.receive(connected);
  joinedCall.socket.receive({ type: 'roster', seq: 1, participants: [selfEntry, ...others] });
  await settle();
  return joinedCall;
}

describe('porta-calling-acs.js for the UI Library', () => {
  test('client, agent, call, participants, features, devices and renderers work when called through a Proxy', async () => {
    const { client, call, socket } = await inMeeting(undefined, [entry('p-bob', { rawId: '8:acs:bob', streams: ['video'] })]);
    const proxied = uiLibraryProxy(call);
    const states = [];
    proxied.on('stateChanged', () => states.push(proxied.state));
    assert.equal(proxied.state, 'Connected');
    const [bob] = proxied.remoteParticipants;
    assert.equal(uiLibraryProxy(bob).displayName, 'p-bob');
    uiLibraryProxy(bob).on('stateChanged', () => {});
    assert.equal(uiLibraryProxy(uiLibraryProxy(bob).videoStreams[0]).isAvailable, true);
    const hands = uiLibraryProxy(proxied.feature(acs.Features.RaiseHand));
    const raised = [];
    hands.on('raisedHandEvent', ({ identifier }) => raised.push(identifier.rawId));
    const raising = hands.raiseHand();
    await settle();
    socket.receive({ type: 'ack', id: socket.last('raiseHand').id });
    await raising;
    socket.receive({ type: 'rosterDelta', seq: 2, op: 'updated', participant: entry('p-me', { rawId: '8:acs:guest1', handRaised: true }) });
    const devices = uiLibraryProxy(await uiLibraryProxy(client).getDeviceManager());
    assert.deepEqual((await devices.getCameras()).map((c) => c.name), ['USB Camera (046d)']);
    const camera = uiLibraryProxy(new acs.LocalVideoStream((await devices.getCameras())[0]));
    assert.equal(camera.mediaStreamType, 'Video');
    const renderer = uiLibraryProxy(new acs.VideoStreamRenderer(camera));
    renderer.dispose();
    const hangingUp = proxied.hangUp();
    await settle();
    socket.receive({ type: 'stateChanged', state: 'Disconnected', callEndReason: { code: 0, subCode: 0, message: '' } });
    await hangingUp;
    assert.deepEqual(raised, ['8:acs:guest1']);
    assert.deepEqual(states.slice(-2), ['Disconnecting', 'Disconnected']);
  });

  test('the same call from porta-calling.js throws through a Proxy, which is why the ACS entry exists', async () => {
    const { call } = await joined(porta);
    assert.throws(() => uiLibraryProxy(call).on('stateChanged', () => {}), /private/);
  });

  test('every feature the UI Library names exists, is distinct and is the same object on each call of feature()', async () => {
    const { client, call } = await inMeeting();
    for (const name of UI_LIBRARY_FEATURES) assert.ok(acs.Features[name] !== undefined, `Features.${name}`);
    const values = UI_LIBRARY_FEATURES.map((name) => acs.Features[name]);
    assert.equal(new Set(values).size, UI_LIBRARY_FEATURES.length, 'no two names share a value');
    const proxied = uiLibraryProxy(call);
    for (const name of UI_LIBRARY_FEATURES.filter((n) => !CLIENT_FEATURES.includes(n) && !STREAM_FEATURES.includes(n))) {
      const feature = proxied.feature(acs.Features[name]);
      assert.equal(feature, proxied.feature(acs.Features[name]), `${name} is created once`);
      const emitter = name === 'UserFacingDiagnostics' ? uiLibraryProxy(feature).network : feature;
      assert.equal(typeof uiLibraryProxy(emitter).on, 'function', `${name} has on()`);
      uiLibraryProxy(emitter).on('anyEvent', () => {});
    }
    assert.equal(uiLibraryProxy(client).feature(acs.Features.DebugInfo), uiLibraryProxy(client).feature(acs.Features.DebugInfo));
    const devices = await client.getDeviceManager();
    const stream = new acs.LocalVideoStream((await devices.getCameras())[0]);
    for (const name of STREAM_FEATURES) assert.equal(uiLibraryProxy(stream).feature(acs.Features[name]), stream.feature(acs.Features[name]));
  });

  test('features Porta has are Porta\'s; the ones it lacks have ACS\'s shape, stay quiet and refuse actions with a sentence', async () => {
    const { call, socket } = await inMeeting();
    const spotlight = call.feature(acs.Features.Spotlight);
    assert.deepEqual(spotlight.getSpotlightedParticipants(), []);
    await assert.rejects(spotlight.startSpotlight(), (e) => e.code === 501 && e.subCode === 46109 && /Spotlight is not available on Porta/.test(e.message));
    assert.equal(call.feature(acs.Features.Captions).captions.kind, 'Captions');
    assert.equal(call.feature(acs.Features.Captions).captions.isCaptionsFeatureActive, false);
    assert.deepEqual(call.feature(acs.Features.MediaAccess).getAllOthersMediaAccess(), []);
    assert.equal(call.feature(acs.Features.OptimalVideoCount).optimalVideoCount, 9);
    assert.deepEqual(await call.feature(acs.Features.TeamsMeetingAudioConferencing).getTeamsMeetingAudioConferencingDetails(), { phoneConferenceId: '', phoneNumbers: [] });
    assert.deepEqual(call.feature(acs.Features.TogetherMode).togetherModeStream, []);
    const recording = call.feature(acs.Features.Recording);
    const changes = [];
    recording.on('isRecordingActiveChanged', () => changes.push(recording.isRecordingActive));
    socket.receive({ type: 'recordingState', recording: true, transcription: false });
    assert.deepEqual(changes, [true], 'Recording is Porta\'s live feature');
    const caps = call.feature(acs.Features.Capabilities).capabilities;
    assert.equal(caps.raiseHand.isPresent, true);
    assert.equal(caps.shareScreen.isPresent, false);
    assert.deepEqual(caps.spotlightParticipant, { isPresent: false, reason: 'FeatureNotSupported' });
    assert.deepEqual(caps.removeParticipantsSpotlight, { isPresent: false, reason: 'FeatureNotSupported' });
    assert.equal(caps.viewAttendeeNames.isPresent, true, 'the UI Library hides names only when told MeetingRestricted');
  });

  test('a guest\'s agent and call have ACS\'s kinds, CallAgent and Call', async () => {
    const { agent, call } = await inMeeting();
    assert.equal(uiLibraryProxy(agent).kind, 'CallAgent');
    assert.equal(uiLibraryProxy(call).kind, 'Call');
    assert.equal(agent.calls[0], call, 'the agent lists the same call object');
    const { call: portaCall } = await joined(porta);
    assert.equal(portaCall.kind, 'TeamsCall', 'porta-calling.js keeps its own name');
  });

  test('UserFacingDiagnostics report a lost connection as networkReconnect Bad and its recovery as Good', async () => {
    const { call, medias } = await inMeeting();
    const diagnostics = uiLibraryProxy(call.feature(acs.Features.UserFacingDiagnostics));
    assert.deepEqual(diagnostics.network.getLatest(), {}, 'nothing to report while all is well');
    const seen = [];
    uiLibraryProxy(diagnostics.network).on('diagnosticChanged', (e) => seen.push(e));
    medias[0].emit('reconnecting', { which: 'subscribe' });
    assert.deepEqual(diagnostics.network.getLatest(), { networkReconnect: { value: acs.DiagnosticQuality.Bad, valueType: 'DiagnosticQuality' } });
    medias[0].emit('recovered', {});
    assert.deepEqual(seen, [
      { diagnostic: 'networkReconnect', value: acs.DiagnosticQuality.Bad, valueType: 'DiagnosticQuality' },
      { diagnostic: 'networkReconnect', value: acs.DiagnosticQuality.Good, valueType: 'DiagnosticQuality' },
    ]);
    assert.deepEqual(diagnostics.media.getLatest(), {});
    assert.deepEqual(acs.DiagnosticQuality, { Good: 1, Poor: 2, Bad: 3 });
  });

  test('your own raised hand names you by your ACS identity even when Porta names you by a meeting-scoped id', async () => {
    const { call, socket } = await inMeeting(entry('p-me'), [entry('p-bob', { rawId: '8:acs:bob' })]);
    const hands = call.feature(acs.Features.RaiseHand);
    const raised = [];
    uiLibraryProxy(hands).on('raisedHandEvent', ({ identifier }) => raised.push(identifier));
    socket.receive({ type: 'rosterDelta', seq: 2, op: 'updated', participant: entry('p-me', { handRaised: true }) });
    socket.receive({ type: 'rosterDelta', seq: 3, op: 'updated', participant: entry('p-bob', { rawId: '8:acs:bob', handRaised: true }) });
    assert.deepEqual(raised.map((i) => i.rawId), ['8:acs:guest1', '8:acs:bob']);
    assert.deepEqual(raised[0], { kind: 'communicationUser', communicationUserId: '8:acs:guest1', rawId: '8:acs:guest1' });
    assert.deepEqual(hands.getRaisedHands().map((h) => h.identifier.rawId), ['8:acs:guest1', '8:acs:bob']);
    const listener = () => raised.push('again');
    hands.on('loweredHandEvent', listener);
    hands.off('loweredHandEvent', listener);
    socket.receive({ type: 'rosterDelta', seq: 4, op: 'updated', participant: entry('p-me', { handRaised: false }) });
    assert.equal(raised.length, 2, 'off() removes a listener on() added');
  });

  test('DebugInfo tells the browser and platform in ACS\'s names', async () => {
    const { client } = await joined();
    const info = await uiLibraryProxy(uiLibraryProxy(client).feature(acs.Features.DebugInfo)).getEnvironmentInfo();
    assert.equal(typeof info.environment.browser, 'string');
    assert.equal(typeof info.environment.platform, 'string');
    const chromeOnLinux = environmentInfo({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36' });
    assert.deepEqual(chromeOnLinux.environment, { platform: 'linux', browser: 'chrome', browserVersion: '131.0.0.0' });
    const safariOnMac = environmentInfo({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15' });
    assert.deepEqual(safariOnMac.environment, { platform: 'mac', browser: 'safari', browserVersion: '17.4' });
  });

  test('the effects stand-in resolves the UI Library\'s imports and says no effect is supported; a stream refuses to start one', async () => {
    const blur = new effects.BackgroundBlurEffect();
    assert.equal(await blur.isSupported(), false);
    assert.equal(new effects.BackgroundReplacementEffect({ backgroundImageUrl: '/x.png' }).config.backgroundImageUrl, '/x.png');
    assert.equal(await new effects.DeepNoiseSuppressionEffect().isSupported(), false);
    const { client } = await joined();
    const stream = new acs.LocalVideoStream((await client.getDeviceManager().then((d) => d.getCameras()))[0]);
    const videoEffects = stream.feature(acs.Features.VideoEffects);
    assert.deepEqual(videoEffects.activeEffects, []);
    await assert.rejects(videoEffects.startEffects(blur), /Video effects is not available on Porta/);
  });
});

describe('configure()', () => {
  test('a bundle loaded from the application\'s origin tells every CallClient where Porta is', async () => {
    const factory = socketFactory();
    const clock = new FakeScheduler();
    acs.configure({ signalingUrl: 'https://porta.example/calling/v1', createWebSocket: factory.create, scheduler: clock,
      mediaDevices: fakeMediaDevices(), createMediaSession: (o) => new FakeMediaSession(o) });
    try {
      const client = new acs.CallClient({ diagnostics: { tags: ['ui-library'] }, signalingUrl: undefined });
      const credential = new acs.AzureCommunicationTokenCredential(jwt({ skypeid: 'acs:guest1', exp: Math.floor(clock.now() / 1000) + 3600 }), { scheduler: clock });
      const agent = await client.createCallAgent(credential, { displayName: 'Olivia' });
      agent.join({ meetingLink: 'https://porta.example/meet/8787280426?p=Xy7Qp2' });
      await settle();
      assert.equal(factory.sockets[0].url, 'wss://porta.example/calling/v1');
    } finally {
      acs.configure({});
    }
  });
});
