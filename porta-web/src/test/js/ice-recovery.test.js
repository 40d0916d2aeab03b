// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IceRecovery } from '../../main/resources/web/sdk/ice-recovery.js';
import { FakeScheduler } from './support/fakes.js';

/**
 * A connected peer connection whose selected pair's counters the test moves, as Chrome reports them
 * (transport stats pointing at the pair; connectivity and consent checks counted apart).
 */
class PathPc {
  connectionState = 'connected';
  pairId = 'P1';
  bytesReceived = 0;
  bytesSent = 0;
  requestsSent = 1;
  consentRequestsSent = 0;
  responsesReceived = 1;
  listeners = [];
  addEventListener(type, fn) { if (type === 'connectionstatechange') this.listeners.push(fn); }
  set(state) { this.connectionState = state; for (const fn of this.listeners) fn(); }
  async getStats() {
    return new Map([
      ['T', { id: 'T', type: 'transport', selectedCandidatePairId: this.pairId }],
      [this.pairId, { id: this.pairId, type: 'candidate-pair', bytesReceived: this.bytesReceived, bytesSent: this.bytesSent, requestsSent: this.requestsSent,
        consentRequestsSent: this.consentRequestsSent, responsesReceived: this.responsesReceived }],
    ]);
  }
  /** Media flows both ways (e.g. 100 ms of it). */
  media() { this.bytesReceived += 1200; this.bytesSent += 1200; }
  /** A consent check the SFU answers. */
  answeredCheck() { this.consentRequestsSent++; this.responsesReceived++; }
  /** A consent check that gets no answer: the path is dead. */
  lostCheck() { this.consentRequestsSent++; this.bytesSent += 100; }
}

function watched() {
  const clock = new FakeScheduler();
  const pc = new PathPc();
  const restarts = [];
  const events = [];
  const recovery = new IceRecovery(clock, async (which) => { restarts.push({ which, at: clock.now() - start }); });
  const start = clock.now();
  for (const e of ['reconnecting', 'recovered', 'failed']) recovery.on(e, (p) => events.push(p?.reason ? `${e}:${p.reason}` : e));
  recovery.watch(pc, 'subscribe');
  return { clock, pc, restarts, events, recovery, start };
}

/** Advances the clock in 100 ms steps, running `each` before every step. */
async function during(clock, ms, each) {
  for (let t = 0; t < ms; t += 100) {
    each(t);
    await clock.advance(100);
  }
}

describe('IceRecovery', () => {
  test('a path that goes dead mid-call is restarted within 3 s, and recovery is reported once media flows again', async () => {
    const { clock, pc, restarts, events, recovery, start } = watched();
    await during(clock, 3000, (t) => { pc.media(); if (t % 2500 === 0) pc.answeredCheck(); });
    assert.deepEqual(restarts, []);
    const brokeAt = clock.now() - start;
    // the network changed: nothing arrives; the browser's checks (every 900 ms once one is missed) go unanswered
    await during(clock, 3000, (t) => { if (t % 900 === 0) pc.lostCheck(); });
    assert.equal(restarts.length, 1, 'one restart');
    assert.ok(restarts[0].at - brokeAt <= 2600, `restarted ${restarts[0].at - brokeAt} ms after the path went dead`);
    assert.deepEqual(events, ['reconnecting:stalled']);
    assert.ok(recovery.isRestarting('subscribe'));
    // the restarted path: a new pair carries media; the connection never left 'connected'
    pc.pairId = 'P2';
    await during(clock, 1000, () => pc.media());
    assert.deepEqual(events, ['reconnecting:stalled', 'recovered']);
    recovery.close();
  });

  test('a newly selected pair counts as recovery only once it has received something', async () => {
    const { clock, pc, events, recovery } = watched();
    await during(clock, 1000, () => pc.media());
    await during(clock, 3000, (t) => { if (t % 900 === 0) pc.lostCheck(); });
    assert.deepEqual(events, ['reconnecting:stalled']);
    // the browser selects a new pair whose counters start at 0 and stay there
    pc.pairId = 'P2'; pc.bytesReceived = 0; pc.responsesReceived = 0; pc.requestsSent = 1; pc.consentRequestsSent = 0;
    await clock.advance(1000);
    assert.deepEqual(events, ['reconnecting:stalled'], 'nothing has arrived on the new pair yet');
    await during(clock, 500, () => pc.media());
    assert.deepEqual(events, ['reconnecting:stalled', 'recovered']);
    recovery.close();
  });

  test('a quiet path whose checks are answered (camera off, nobody else sending) is never restarted', async () => {
    const { clock, pc, restarts, events, recovery } = watched();
    await during(clock, 30_000, (t) => { if (t % 2500 === 0) pc.answeredCheck(); });
    assert.deepEqual(restarts, []);
    assert.deepEqual(events, []);
    recovery.close();
  });

  test('a connection the browser reports disconnected is restarted after 1 s even before its stats show it', async () => {
    const { clock, pc, restarts, events, recovery } = watched();
    await during(clock, 1000, () => pc.media());
    pc.set('disconnected');
    await clock.advance(900);
    assert.deepEqual(restarts, []);
    await clock.advance(200);
    assert.equal(restarts.length, 1);
    assert.deepEqual(events, ['reconnecting:disconnected']);
    pc.set('connected');
    assert.deepEqual(events, ['reconnecting:disconnected', 'recovered']);
    recovery.close();
  });

  test('a resume restarts a connected path at once, and leaves one that never connected alone', async () => {
    const { clock, pc, restarts, events, recovery } = watched();
    const fresh = new PathPc();
    fresh.connectionState = 'new';
    recovery.watch(fresh, 'publish');
    await during(clock, 1000, () => pc.media());
    recovery.restartNow('subscribe', 'resumed');
    recovery.restartNow('publish', 'resumed');
    assert.deepEqual(events, ['reconnecting:resumed']);
    await clock.advance(0);
    assert.deepEqual(restarts.map((r) => r.which), ['subscribe']);
    await during(clock, 1000, () => pc.media()); // the old path was fine after all
    assert.deepEqual(events, ['reconnecting:resumed', 'recovered']);
    recovery.close();
  });

  test('a path that stays dead is restarted again every 5 s and reported failed after 30 s', async () => {
    const { clock, pc, restarts, events, recovery } = watched();
    await during(clock, 1000, () => pc.media());
    await during(clock, 32_000, (t) => { if (t % 900 === 0) pc.lostCheck(); });
    assert.ok(restarts.length >= 6 && restarts.length <= 7, `${restarts.length} restarts in 30 s`);
    assert.deepEqual(events, ['reconnecting:stalled', 'failed']);
    recovery.close();
  });

  test('a path that keeps breaking waits longer before each restart', async () => {
    const { clock, pc, restarts, recovery } = watched();
    await during(clock, 1000, () => pc.media());
    for (let i = 0; i < 4; i++) {
      await during(clock, 6000, (t) => { if (t % 900 === 0) pc.lostCheck(); }); // dead until restarted ...
      pc.pairId = `Q${i}`;
      await during(clock, 500, () => pc.media()); // ... and back, briefly
    }
    const gaps = restarts.slice(1).map((r, i) => r.at - restarts[i].at);
    assert.equal(restarts.length >= 3, true, `restarts at ${restarts.map((r) => r.at)}`);
    assert.ok(gaps.at(-1) > gaps[0], `later gaps (${gaps}) are longer`);
    recovery.close();
  });
});
