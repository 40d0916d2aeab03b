// SPDX-License-Identifier: Apache-2.0
// A call joined through the public API against fakes: the scripted WebSocket, FakeMediaSession, a manual clock.
import { AzureCommunicationTokenCredential, CallClient } from '../../../main/resources/web/sdk/porta-calling.js';
import { FakeMediaSession, FakeScheduler, connectedFrame, fakeMediaDevices, jwt, rosterEntry, settle, socketFactory } from './fakes.js';

export const entry = rosterEntry;
export const connected = connectedFrame(['audio', 'video', 'chat', 'reactions']);

export async function joined(options = {}) {
  const clock = new FakeScheduler();
  const factory = socketFactory();
  const medias = [];
  const client = new CallClient({
    scheduler: clock, createWebSocket: factory.create, mediaDevices: fakeMediaDevices(),
    createMediaSession: (o) => { const m = new FakeMediaSession(o); medias.push(m); return m; },
    signalingUrl: 'https://porta.test',
    iceTransportPolicy: options.iceTransportPolicy,
  });
  const token = jwt({ skypeid: 'acs:guest1', exp: Math.floor(clock.now() / 1000) + 3600 });
  const credential = new AzureCommunicationTokenCredential(token, { scheduler: clock });
  const agent = await client.createCallAgent(credential, { displayName: options.displayName ?? 'Ada (Contoso)' });
  const call = agent.join(options.locator ?? { meetingId: '878 728 042 6', passcode: 'Xy7Qp2' }, { audioOptions: { muted: true } });
  const states = [];
  call.on('stateChanged', () => states.push(call.state));
  await settle();
  return { clock, factory, medias, client, agent, call, states, credential, socket: factory.sockets[0] };
}
