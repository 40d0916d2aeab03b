// SPDX-License-Identifier: Apache-2.0
/**
 * Porta's admin console (/admin/): signs a member in with Porta's own sign-in (authorization code +
 * PKCE, the members' app's registration, redirect <base>admin/) and calls the admin API
 * (/admin/v1/...) with that member's token in the Authorization header. No cookies, so no request
 * can be forged from another site; the server checks the member's role on every request
 * (tenant-admin: changes; auditor: reads) and records each change as member:<id>. The controls an
 * auditor may not use are disabled here too, but the server's refusal is what counts: its sentence
 * is shown as it comes.
 */
import { redeemCode, startSignIn } from '../app/pkce.js';

const $ = (sel) => document.querySelector(sel);
const store = window.sessionStorage;
// the least a member's token can carry; the admin API looks at the member's roles, not at scopes
const SCOPE = 'https://graph.microsoft.com/OnlineMeetings.Read openid profile';
const TOKEN = 'porta.admin.token';
const ACTIONS = ['MEETING_POLICY_CHANGED', 'MEETING_POLICY_CLEARED', 'MEMBER_DISABLED', 'MEMBER_ENABLED', 'MEMBER_PASSWORD_RESET',
  'MEMBER_ROLE_GRANTED', 'MEMBER_ROLE_REVOKED', 'MEMBER_CREATED', 'MEMBER_UPDATED', 'MEMBER_DELETED', 'MEMBER_SESSIONS_REVOKED',
  'APP_REGISTERED', 'APP_UPDATED', 'APP_DELETED', 'CLIENT_SECRET_CREATED', 'CLIENT_SECRET_DELETED', 'ACCESS_POLICY_SET',
  'ACCESS_POLICY_GRANTED', 'LIVE_MEETING_ENDED', 'LIVE_PARTICIPANT_REMOVED', 'ACCESS_KEY_ROTATED', 'ADMIN_ACCESS_REFUSED', 'ADMIN_KEY_REFUSED', 'MEMBER_SIGN_IN_FAILED',
  'CLIENT_SECRET_FAILED', 'TENANT_CREATED'];

let config;
let me;
let auditCursor = null;

function show(view) {
  for (const v of document.querySelectorAll('main > .view')) v.hidden = v.id !== view;
}

function say(where, message) {
  const box = $(where);
  box.textContent = message;
  box.hidden = !message;
}

function el(tag, { dataset, ...props } = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  Object.assign(e.dataset, dataset ?? {});
  for (const c of children) e.append(c);
  return e;
}

// ------------------------------------------------------------------ sign-in
async function signIn() {
  await startSignIn({ config, scope: SCOPE, store, key: 'porta.admin.pkce' });
}

async function finishSignIn(params) {
  history.replaceState(null, '', location.pathname);
  const body = await redeemCode({ config, params, store, key: 'porta.admin.pkce', errors: {
    notCompleted: (detail) => `Sign-in did not complete: ${detail}. Sign in again.`,
    wrongTab: () => 'This sign-in answer does not belong to this browser tab. Sign in again.',
    failed: (detail) => `Sign-in failed: ${detail}. Sign in again.`,
  } });
  if (typeof body.access_token !== 'string') throw new Error('Sign-in failed: no access token. Sign in again.');
  store.setItem(TOKEN, body.access_token);
}

function token() {
  const t = store.getItem(TOKEN);
  if (!t) return null;
  try {
    const claims = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    if (claims.exp * 1000 < Date.now() + 30_000) { store.removeItem(TOKEN); return null; }
    return t;
  } catch {
    return null;
  }
}

function signOut() {
  store.removeItem(TOKEN);
  location.assign('/admin/');
}

// ------------------------------------------------------------------ the admin API
class Refused extends Error {}

/** One admin API call as the signed-in member; a refusal becomes an Error carrying the server's sentence. */
async function api(method, path, body) {
  const t = token();
  if (!t) {
    show('signin-view');
    throw new Refused('Your sign-in has expired. Sign in again.');
  }
  const r = await fetch(`/admin/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${t}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (r.status === 204) return null;
  const json = await r.json().catch(() => ({}));
  if (!r.ok) {
    const sentence = json.error?.message ?? `The server refused (${r.status}).`;
    throw new Refused(r.status === 401 ? 'Your sign-in is no longer valid. Sign in again.' : sentence);
  }
  return json;
}

const tenantPath = (rest) => `/tenants/${encodeURIComponent(me.tenantId)}${rest}`;

/** Runs a change; the server's refusal (or any failure) is shown as its sentence. */
async function change(what, statusBox) {
  say('#console-error', '');
  try {
    await what();
  } catch (e) {
    say(statusBox ?? '#console-error', e.message);
    if (statusBox) $(statusBox).classList.add('notice');
  }
}

/** A button that asks once ("Confirm: …") and acts on the second click. */
function twoClick(label, confirm, act) {
  const b = el('button', { className: 'small change', textContent: label });
  b.addEventListener('click', () => {
    if (b.dataset.armed) act();
    else { b.dataset.armed = '1'; b.textContent = confirm; b.classList.add('danger'); }
  });
  return b;
}

// ------------------------------------------------------------------ meeting policy
/** Each guest capability the server knows, as the console names it (one the console does not know yet shows its wire name). */
const CAPABILITIES = {
  audio: 'Speak (microphone)', video: 'Camera', screenSharing: 'Share their screen', chat: 'Chat',
  raiseHand: 'Raise a hand', reactions: 'Send reactions', spotlight: 'Spotlight', togetherMode: 'Together mode',
  breakoutRooms: 'Breakout rooms', admitFromLobby: 'Admit people from the lobby',
  manageParticipants: 'Manage participants (with a presenter role)', present: 'Present (the presenter role)',
  manageRecording: 'Start and stop recording', captions: 'Live captions', whiteboard: 'Whiteboard',
  seeGuestIdentities: "See other guests' identities",
};

function showPolicy(p) {
  $('#anonymous-join').checked = p.allowAnonymousJoin;
  const box = $('#guest-capabilities');
  box.querySelectorAll('label').forEach((l) => l.remove());
  for (const [wire, on] of Object.entries(p.guestCapabilities ?? {})) {
    const input = el('input', { type: 'checkbox', className: 'change', checked: on, name: wire });
    box.append(el('label', { className: 'check', dataset: { capability: wire } }, input, ` ${CAPABILITIES[wire] ?? wire}`));
  }
  applyRole();
}

async function loadPolicy() {
  showPolicy(await api('GET', tenantPath('/meeting-policy')));
}

async function savePolicy() {
  $('#policy-status').classList.remove('notice');
  await change(async () => {
    const guestCapabilities = Object.fromEntries([...$('#guest-capabilities').querySelectorAll('input')].map((i) => [i.name, i.checked]));
    const p = await api('PUT', tenantPath('/meeting-policy'), { allowAnonymousJoin: $('#anonymous-join').checked, guestCapabilities });
    showPolicy(p);
    say('#policy-status', `Saved: anonymous join is ${p.allowAnonymousJoin ? 'on' : 'off'}.`);
    await loadAudit(true);
  }, '#policy-status');
}

// ------------------------------------------------------------------ members
async function loadMembers() {
  const list = $('#members');
  list.replaceChildren();
  for (const m of (await api('GET', tenantPath('/members'))).value) {
    const roles = (m.roles ?? []).join(', ');
    const toggle = el('button', { className: 'small change', textContent: m.accountEnabled ? 'Disable' : 'Enable' });
    toggle.addEventListener('click', () => change(async () => {
      await api('PATCH', tenantPath(`/members/${m.id}`), { accountEnabled: !m.accountEnabled });
      await Promise.all([loadMembers(), loadAudit(true)]);
    }));
    const reset = el('button', { className: 'small change', textContent: 'Reset password' });
    reset.addEventListener('click', () => askPassword(m));
    const role = el('select', { className: 'change role', title: 'Administrator role' },
      ...['', 'auditor', 'tenant-admin'].map((r) => el('option', { value: r, textContent: r || 'no admin role' })));
    role.value = (m.roles ?? []).includes('tenant-admin') ? 'tenant-admin' : (m.roles ?? [])[0] ?? '';
    role.addEventListener('change', () => change(async () => {
      // the new role first, then the others away: the member is never left with less than asked
      if (role.value) await api('PUT', tenantPath(`/members/${m.id}/roles/${role.value}`));
      for (const r of (m.roles ?? []).filter((x) => x !== role.value)) await api('DELETE', tenantPath(`/members/${m.id}/roles/${r}`));
      await loadAudit(true);
    }).then(() => loadMembers().catch(() => {}))); // shows what the server holds, refused or not
    list.append(el('li', { dataset: { member: m.id } },
      el('span', { className: 'name', textContent: `${m.displayName} (${m.userPrincipalName})${roles ? ` · ${roles}` : ''}` }),
      m.accountEnabled ? '' : el('span', { className: 'off', textContent: 'disabled' }), toggle, reset, role));
  }
  applyRole();
}

let passwordFor = null;
function askPassword(m) {
  passwordFor = m;
  $('#password-member').textContent = m.displayName;
  $('#password-form').hidden = false;
  $('#password-form').password.value = '';
  $('#password-form').password.focus();
}

async function setPassword(ev) {
  ev.preventDefault();
  const m = passwordFor;
  const password = ev.target.password.value;
  await change(async () => {
    await api('PATCH', tenantPath(`/members/${m.id}`), { password });
    $('#password-form').hidden = true;
    say('#console-error', '');
    await loadAudit(true);
  });
}

// ------------------------------------------------------------------ apps and secrets
async function loadApps() {
  const list = $('#apps');
  list.replaceChildren();
  for (const a of (await api('GET', tenantPath('/apps'))).value) {
    const secrets = (await api('GET', tenantPath(`/apps/${a.appId}/secrets`))).value;
    const label = el('span', { className: 'name', textContent: `${a.displayName} · ${secrets.length} secret${secrets.length === 1 ? '' : 's'}` });
    if (!secrets.length && a.redirectUris?.length) {
      // a public client (a browser app signing members in with PKCE): a secret would be readable by anyone
      label.textContent = `${a.displayName} · public client, signs members in with PKCE, holds no secret`;
      list.append(el('li', { dataset: { app: a.appId, client: 'public' } }, label));
      continue;
    }
    const first = secrets.length === 0;
    const rotate = twoClick(first ? 'Create a secret' : 'Rotate secret',
      first ? 'Confirm: create a secret' : 'Confirm: replace the secret', () => rotateSecret(a, secrets));
    list.append(el('li', { dataset: { app: a.appId } }, label, rotate));
  }
  applyRole();
}

/** A new secret first, then the old ones deleted: the app is never left without a secret. */
async function rotateSecret(app, old) {
  await change(async () => {
    const fresh = await api('POST', tenantPath(`/apps/${app.appId}/secrets`), {});
    $('#new-secret-app').textContent = app.displayName;
    $('#new-secret-text').textContent = fresh.secretText;
    $('#new-secret').hidden = false;
    for (const s of old) await api('DELETE', tenantPath(`/apps/${app.appId}/secrets/${encodeURIComponent(s.keyId)}`));
    await Promise.all([loadApps(), loadAudit(true)]);
  });
}

// ------------------------------------------------------------------ live meetings
/** Ends a meeting or removes someone, then shows the meetings and the audit entry it made. */
function liveAction(method, path) {
  return change(async () => {
    await api(method, tenantPath(path));
    await Promise.all([loadLive(), loadAudit(true)]);
  });
}

async function loadLive() {
  const list = $('#live');
  list.replaceChildren();
  const meetings = (await api('GET', tenantPath('/live-meetings'))).value;
  $('#live-none').hidden = meetings.length > 0;
  for (const m of meetings) {
    const path = `/live-meetings/${encodeURIComponent(m.meetingId)}`;
    const people = el('ul', { className: 'people' });
    for (const p of m.participants) {
      const what = [p.role, p.guest ? 'guest' : '', p.inLobby ? 'in the lobby' : ''].filter(Boolean).join(', ');
      people.append(el('li', { dataset: { participant: p.participantId } },
        el('span', { className: 'name', textContent: `${p.displayName} · ${what}` }),
        twoClick('Remove', `Confirm: remove ${p.displayName}`,
          () => liveAction('DELETE', `${path}/participants/${encodeURIComponent(p.participantId)}`))));
    }
    const organizer = names.get(m.organizerId) ?? m.organizerId;
    list.append(el('li', { dataset: { meeting: m.meetingId } },
      el('span', { className: 'name', textContent: `${m.subject || '(no subject)'} · organized by ${organizer} · ${m.participants.length} ${m.participants.length === 1 ? 'person' : 'people'}` }),
      twoClick('End for everyone', 'Confirm: end the meeting for everyone', () => liveAction('POST', `${path}/end`)),
      people));
  }
  applyRole();
}

// ------------------------------------------------------------------ audit log
function describe(details) {
  return Object.entries(details ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ');
}

/** Shows the audit log, newest page last as the API pages (oldest first); "fresh" starts over with the filters. */
async function loadAudit(fresh) {
  const f = $('#audit-form');
  const q = new URLSearchParams({ limit: '50' });
  if (f.action.value) q.set('action', f.action.value);
  if (f.actor.value.trim()) q.set('actor', f.actor.value.trim());
  if (f.since.value) q.set('since', f.since.value);
  if (!fresh && auditCursor) q.set('cursor', auditCursor);
  const page = await api('GET', `/audit?${q}`);
  const body = $('#audit');
  if (fresh) body.replaceChildren();
  for (const e of page.value) {
    body.append(el('tr', {},
      el('td', { textContent: new Date(e.time).toLocaleString() }), el('td', { textContent: nameOf(e.actor) }),
      el('td', { textContent: e.action }), el('td', { textContent: nameOf(e.target) }), el('td', { textContent: describe(e.details) })));
  }
  auditCursor = page.nextCursor ?? null;
  $('#audit-more').hidden = !auditCursor;
}

let names = new Map();
/** member:<id> and bare member ids shown with the member's name, so "who" reads as a person. */
function nameOf(s) {
  const id = s?.startsWith('member:') ? s.slice(7) : s;
  return names.has(id) ? `${names.get(id)} (${s})` : s;
}

async function loadNames() {
  try {
    const members = (await api('GET', tenantPath('/members'))).value;
    names = new Map(members.map((m) => [m.id, m.displayName]));
  } catch { /* names are a nicety */ }
}

// ------------------------------------------------------------------ roles
function applyRole() {
  for (const c of document.querySelectorAll('.change')) {
    c.disabled = !me.canChange;
    if (!me.canChange) c.title = 'Your auditor role lets you see this but not change it.';
  }
}

async function openConsole() {
  try {
    me = await api('GET', '/me');
  } catch (e) {
    say('#signin-error', e.message);
    $('#signin-other').hidden = !(e instanceof Refused) || !token();
    show('signin-view');
    return;
  }
  $('#who').textContent = `${me.displayName} · ${me.roles.join(', ')}`;
  $('#role-note').textContent = me.canChange
    ? 'You are a tenant admin: every change you make is recorded in the audit log with your name.'
    : 'You are an auditor: you can see everything here, and change nothing.';
  show('console-view');
  await change(async () => {
    await loadNames();
    await Promise.all([loadPolicy(), loadLive(), loadMembers(), loadApps(), loadAudit(true)]);
  });
  applyRole();
  $('#console-view').dataset.loaded = 'true'; // every section has its first answer (tests wait for this)
}

// ------------------------------------------------------------------ start
async function main() {
  const select = $('#audit-form').action;
  // the API pages oldest first: starting today keeps the first page about what just happened
  $('#audit-form').since.value = new Date().toISOString().slice(0, 10);
  for (const a of ACTIONS) select.append(el('option', { value: a, textContent: a.toLowerCase().replace(/_/g, ' ') }));
  $('#signin').addEventListener('click', () => signIn().catch((e) => say('#signin-error', e.message)));
  $('#signin-other').addEventListener('click', signOut);
  $('#signout').addEventListener('click', signOut);
  $('#live-refresh').addEventListener('click', () => change(loadLive));
  $('#policy-save').addEventListener('click', savePolicy);
  $('#password-form').addEventListener('submit', setPassword);
  $('#password-cancel').addEventListener('click', () => { $('#password-form').hidden = true; });
  $('#audit-form').addEventListener('submit', (ev) => { ev.preventDefault(); change(() => loadAudit(true)); });
  $('#audit-more').addEventListener('click', () => change(() => loadAudit(false)));
  try {
    const r = await fetch('/admin/config.json');
    config = await r.json();
    if (!r.ok) throw new Error(config.error?.message ?? 'Porta\'s admin console is not set up on this server.');
    const params = new URLSearchParams(location.search);
    if (params.has('code') || params.has('error')) await finishSignIn(params);
  } catch (e) {
    say('#signin-error', e.message);
    show('signin-view');
    return;
  }
  if (!token()) {
    show('signin-view');
    return;
  }
  await openConsole();
}

main();
