// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { redeemCode, startSignIn } from '../../main/resources/web/app/pkce.js';

function memoryStore() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
}
const config = { tenantId: 't1', clientId: 'c1', redirectUri: 'https://porta.example/app/' };
const errors = { notCompleted: (d) => `not completed: ${d}`, wrongTab: () => 'wrong tab', failed: (d) => `failed: ${d}` };

test('the authorize request carries the S256 challenge of the verifier kept for this tab', async () => {
  const store = memoryStore();
  let url;
  await startSignIn({ config, scope: 'openid', store, key: 'k', navigate: (u) => { url = u; } });
  const saved = JSON.parse(store.getItem('k'));
  const q = new URL(url, 'https://porta.example').searchParams;
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.equal(q.get('code_challenge'), createHash('sha256').update(saved.verifier).digest('base64url'));
  assert.equal(q.get('state'), saved.state);
  assert.match(saved.verifier, /^[A-Za-z0-9_-]{43}$/);
});

test('an answer whose state is not this tab\'s is refused and the verifier is used up', async () => {
  const store = memoryStore();
  store.setItem('k', JSON.stringify({ verifier: 'v'.repeat(43), state: 'mine' }));
  let called = false;
  await assert.rejects(redeemCode({ config, params: new URLSearchParams({ code: 'x', state: 'theirs' }), store, key: 'k', errors,
    fetchImpl: async () => { called = true; } }), /wrong tab/);
  assert.equal(called, false);
  assert.equal(store.getItem('k'), null);
});

test('the code is redeemed with the kept verifier, and a refusal says why in the page\'s words', async () => {
  const store = memoryStore();
  store.setItem('k', JSON.stringify({ verifier: 'v'.repeat(43), state: 's' }));
  let sent;
  const body = await redeemCode({ config, params: new URLSearchParams({ code: 'abc', state: 's' }), store, key: 'k', errors,
    fetchImpl: async (url, init) => { sent = { url, form: new URLSearchParams(init.body) }; return { ok: true, json: async () => ({ access_token: 'T' }) }; } });
  assert.equal(body.access_token, 'T');
  assert.equal(sent.url, '/t1/oauth2/v2.0/token');
  assert.equal(sent.form.get('code_verifier'), 'v'.repeat(43));
  store.setItem('k', JSON.stringify({ verifier: 'v'.repeat(43), state: 's' }));
  await assert.rejects(redeemCode({ config, params: new URLSearchParams({ code: 'abc', state: 's' }), store, key: 'k', errors,
    fetchImpl: async () => ({ ok: false, status: 400, json: async () => ({ error_description: 'AADSTS70008: expired' }) }) }), /failed: AADSTS70008: expired/);
});
