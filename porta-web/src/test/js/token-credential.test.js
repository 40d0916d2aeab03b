// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AzureCommunicationTokenCredential, parseToken } from '../../main/resources/web/sdk/token-credential.js';
import { FakeScheduler, jwt, settle } from './support/fakes.js';

const MIN = 60_000;
const tokenValidFor = (scheduler, ms, extra = {}) =>
  jwt({ skypeid: 'acs:1_abc', iat: Math.floor(scheduler.now() / 1000), exp: Math.floor((scheduler.now() + ms) / 1000), ...extra });

describe('AzureCommunicationTokenCredential', () => {
  test('a static token is returned with its expiry read from the exp claim', async () => {
    const clock = new FakeScheduler();
    const token = tokenValidFor(clock, 60 * MIN);
    const credential = new AzureCommunicationTokenCredential(token, { scheduler: clock });
    const result = await credential.getToken();
    assert.equal(result.token, token);
    assert.equal(result.expiresOnTimestamp, Math.floor((clock.now() + 60 * MIN) / 1000) * 1000);
  });

  test('an expired static token is refused with 495/4508 and a sentence saying what to do', async () => {
    const clock = new FakeScheduler();
    const credential = new AzureCommunicationTokenCredential(tokenValidFor(clock, 5 * MIN), { scheduler: clock });
    await clock.advance(6 * MIN);
    await assert.rejects(credential.getToken(), (error) => {
      assert.equal(error.code, 495);
      assert.equal(error.subCode, 4508);
      assert.match(error.message, /expired.*tokenRefresher/s);
      return true;
    });
  });

  test('a string that is not a JWT with exp is refused at construction with 495/4507', () => {
    assert.throws(() => new AzureCommunicationTokenCredential('not-a-token'), (e) => e.subCode === 4507);
    assert.throws(() => parseToken(jwt({ sub: 'x' })), /no expiry/);
  });

  test('a proactive refresher runs ten minutes before a one-hour token expires', async () => {
    const clock = new FakeScheduler();
    let calls = 0;
    const credential = new AzureCommunicationTokenCredential({
      token: tokenValidFor(clock, 60 * MIN),
      refreshProactively: true,
      tokenRefresher: async () => { calls++; return tokenValidFor(clock, 60 * MIN); },
    }, { scheduler: clock });
    await clock.advance(49 * MIN);
    assert.equal(calls, 0);
    await clock.advance(1 * MIN + 1000);
    assert.equal(calls, 1);
    await clock.advance(50 * MIN + 1000);
    assert.equal(calls, 2, 'the next refresh is scheduled from the new token');
    credential.dispose();
  });

  test('a short-lived token is refreshed halfway through its lifetime', async () => {
    const clock = new FakeScheduler();
    let calls = 0;
    const credential = new AzureCommunicationTokenCredential({
      token: tokenValidFor(clock, 4 * MIN),
      refreshProactively: true,
      tokenRefresher: async () => { calls++; return tokenValidFor(clock, 4 * MIN); },
    }, { scheduler: clock });
    await clock.advance(2 * MIN - 1000);
    assert.equal(calls, 0);
    await clock.advance(2000);
    assert.equal(calls, 1);
    credential.dispose();
  });

  test('without refreshProactively, getToken refreshes only once the token is due', async () => {
    const clock = new FakeScheduler();
    let calls = 0;
    const credential = new AzureCommunicationTokenCredential({
      token: tokenValidFor(clock, 60 * MIN),
      tokenRefresher: async () => { calls++; return tokenValidFor(clock, 60 * MIN); },
    }, { scheduler: clock });
    await credential.getToken();
    assert.equal(calls, 0);
    assert.equal(clock.pending, 0, 'no timer without refreshProactively');
    await clock.advance(51 * MIN);
    await credential.getToken();
    assert.equal(calls, 1);
  });

  test('concurrent getToken calls share one refresh', async () => {
    const clock = new FakeScheduler();
    let calls = 0;
    const credential = new AzureCommunicationTokenCredential({
      tokenRefresher: async () => { calls++; await settle(); return tokenValidFor(clock, 60 * MIN); },
    }, { scheduler: clock });
    const [a, b, c] = await Promise.all([credential.getToken(), credential.getToken(), credential.getToken()]);
    assert.equal(calls, 1);
    assert.equal(a.token, b.token);
    assert.equal(b.token, c.token);
  });

  test('a failed early refresh keeps the still-valid token and is retried with back-off', async () => {
    const clock = new FakeScheduler();
    let calls = 0;
    let fail = true;
    const credential = new AzureCommunicationTokenCredential({
      token: tokenValidFor(clock, 60 * MIN),
      refreshProactively: true,
      tokenRefresher: async () => { calls++; if (fail) throw new Error('offline'); return tokenValidFor(clock, 60 * MIN); },
    }, { scheduler: clock });
    const original = (await credential.getToken()).token;
    await clock.advance(50 * MIN + 1000);
    assert.equal(calls, 1);
    assert.equal((await credential.getToken()).token, original, 'the old token is still served');
    const afterGetToken = calls;
    fail = false;
    await clock.advance(5_000);
    assert.ok(calls > afterGetToken, 'a retry ran after five seconds');
    assert.notEqual((await credential.getToken()).token, original);
    credential.dispose();
  });

  test('a refresher that fails after expiry rejects getToken with 495 and the cause', async () => {
    const clock = new FakeScheduler();
    const credential = new AzureCommunicationTokenCredential({
      token: tokenValidFor(clock, 10 * MIN),
      tokenRefresher: async () => { throw new Error('server down'); },
    }, { scheduler: clock });
    await clock.advance(11 * MIN);
    await assert.rejects(credential.getToken(), (e) => e.code === 495 && e.cause?.message === 'server down');
  });

  test('a refresher returning an expired token is an error, not a new token', async () => {
    const clock = new FakeScheduler();
    const credential = new AzureCommunicationTokenCredential({
      tokenRefresher: async () => tokenValidFor(clock, -1 * MIN),
    }, { scheduler: clock });
    await assert.rejects(credential.getToken(), (e) => e.subCode === 4508 && /already expired/.test(e.message));
  });

  test('refreshed tokens are handed to onTokenRefreshed listeners', async () => {
    const clock = new FakeScheduler();
    const seen = [];
    const credential = new AzureCommunicationTokenCredential({
      token: tokenValidFor(clock, 30 * MIN),
      refreshProactively: true,
      tokenRefresher: async () => tokenValidFor(clock, 30 * MIN, { n: seen.length }),
    }, { scheduler: clock });
    credential.onTokenRefreshed((t) => seen.push(t.token));
    await clock.advance(21 * MIN);
    assert.equal(seen.length, 1);
    credential.dispose();
    assert.equal(clock.pending, 0, 'dispose cancels the next refresh');
  });
});
