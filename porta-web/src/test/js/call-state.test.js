// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CallState, CallStateMachine, canTransition } from '../../main/resources/web/sdk/call-state.js';

describe('Call state machine', () => {
  test('the states are the exact ACS strings', () => {
    assert.deepEqual(Object.values(CallState), ['None', 'Connecting', 'InLobby', 'Connected', 'Disconnecting', 'Disconnected']);
  });

  test('a guest goes None, Connecting, InLobby, Connected, Disconnecting, Disconnected and each step is reported', () => {
    const seen = [];
    const machine = new CallStateMachine((from, to) => seen.push(`${from}>${to}`));
    for (const s of ['Connecting', 'InLobby', 'Connected', 'Disconnecting', 'Disconnected']) machine.transition(s);
    assert.deepEqual(seen, ['None>Connecting', 'Connecting>InLobby', 'InLobby>Connected', 'Connected>Disconnecting', 'Disconnecting>Disconnected']);
    assert.equal(machine.isTerminal, true);
  });

  test('a refused join goes from Connecting straight to Disconnected', () => {
    assert.equal(canTransition('Connecting', 'Disconnected'), true);
    assert.equal(canTransition('InLobby', 'Disconnected'), true);
  });

  test('nothing leaves Disconnected and nothing goes back to the lobby', () => {
    for (const s of Object.values(CallState)) assert.equal(canTransition('Disconnected', s), false);
    assert.equal(canTransition('Connected', 'InLobby'), false);
    assert.equal(canTransition('Connected', 'Connecting'), false);
  });

  test('an illegal transition throws and leaves the state unchanged', () => {
    const machine = new CallStateMachine(() => {});
    assert.throws(() => machine.transition('Connected'), /None → Connected/);
    assert.equal(machine.state, 'None');
  });

  test('moving to the current state is a no-op without an event', () => {
    let events = 0;
    const machine = new CallStateMachine(() => events++);
    machine.transition('Connecting');
    assert.equal(machine.transition('Connecting'), false);
    assert.equal(events, 1);
  });
});
