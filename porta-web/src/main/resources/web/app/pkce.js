// SPDX-License-Identifier: Apache-2.0
/**
 * Signing a member in with Porta's own authorize and token endpoints (authorization code + PKCE, S256),
 * shared by the members' app (/app/) and the admin console (/admin/). Each page keeps its own storage
 * key, scope and sentences: nothing here is shown to the user.
 */

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Sends the browser to the authorize endpoint; the verifier and state wait in {@code store} under {@code key}.
 * @param navigate where to go (location.assign in a page)
 */
export async function startSignIn({ config, scope, store, key, navigate = (url) => location.assign(url) }) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  store.setItem(key, JSON.stringify({ verifier, state }));
  const q = new URLSearchParams({ client_id: config.clientId, redirect_uri: config.redirectUri, response_type: 'code',
    scope, state, code_challenge: challenge, code_challenge_method: 'S256' });
  navigate(`/${config.tenantId}/oauth2/v2.0/authorize?${q}`);
}

/**
 * Redeems the authorize answer in {@code params} (once: the saved verifier is removed) and returns the token
 * endpoint's body. Throws with the page's own sentences: {@code errors.notCompleted(detail)} when the answer
 * is an error, {@code errors.wrongTab()} when its state is not this tab's, {@code errors.failed(detail)} when
 * the token endpoint refuses.
 */
export async function redeemCode({ config, params, store, key, errors, fetchImpl = fetch }) {
  const saved = JSON.parse(store.getItem(key) ?? 'null');
  store.removeItem(key);
  if (params.get('error')) throw new Error(errors.notCompleted(params.get('error_description') ?? params.get('error')));
  if (!saved || saved.state !== params.get('state')) throw new Error(errors.wrongTab());
  const r = await fetchImpl(`/${config.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code: params.get('code'),
      redirect_uri: config.redirectUri, code_verifier: saved.verifier }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(errors.failed(body.error_description ?? r.status));
  return body;
}
