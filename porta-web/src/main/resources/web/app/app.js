// SPDX-License-Identifier: Apache-2.0
/**
 * Porta's web app for members: sign in (authorization code + PKCE against Porta's own authorize and
 * token endpoints), schedule meetings through the Graph-compatible API (POST /v1.0/me/onlineMeetings),
 * copy their link or ID + passcode, and join them with Porta's calling library.
 * Join links (/l/meetup-join/...) arrive here as #join=<link>. Only links of this server's own origin
 * are accepted, and nothing joins without a click on the pre-join screen (camera and microphone off
 * unless chosen there): a link is data anyone can send (review findings H1, M8).
 * Calls use a calling token exchanged for the sign-in (Graph) token, never the Graph token itself.
 */
import { AzureCommunicationTokenCredential, CallClient, LocalVideoStream } from '../sdk/porta-calling.js';
import { mountMeeting } from './meeting-view.js';
import { redeemCode, startSignIn } from './pkce.js';
import { endReasonText, formatDateTime, languageSwitcher, startLanguages, t } from './i18n.js';

const $ = (sel) => document.querySelector(sel);
const store = window.sessionStorage;
// offline_access: a refresh token comes with the sign-in, so a member in a long meeting is never cut off.
const SCOPE = 'https://graph.microsoft.com/OnlineMeetings.ReadWrite openid profile offline_access';
/** Refresh the sign-in token this long before it expires (and never use one closer to its end). */
const REFRESH_AHEAD_MS = 5 * 60_000;
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const CALLING_AUDIENCE = 'urn:porta:calling';

let config;

function show(view) {
  for (const v of document.querySelectorAll('main > .view')) v.hidden = v.id !== view;
}

function say(where, message) {
  const box = $(where);
  box.textContent = message;
  box.hidden = !message;
}

// ------------------------------------------------------------------ sign-in
async function signIn() {
  await startSignIn({ config, scope: SCOPE, store, key: 'porta.pkce' });
}

async function finishSignIn(params) {
  history.replaceState(null, '', location.pathname + location.hash);
  keepTokens(await redeemCode({ config, params, store, key: 'porta.pkce', errors: {
    notCompleted: (detail) => t('signin.notCompleted', { detail }),
    wrongTab: () => t('signin.wrongTab'),
    failed: (detail) => t('signin.failed', { detail }),
  } }));
}

/** Keeps a token answer: the access token and, when offline_access was granted, the (rotated) refresh token. */
function keepTokens(body) {
  store.setItem('porta.token', body.access_token);
  if (typeof body.refresh_token === 'string') store.setItem('porta.refresh', body.refresh_token);
  scheduleRefresh();
}

let refreshing = null;
let refreshTimer = null;

/**
 * A new access token from the refresh token (grant_type=refresh_token). Every use rotates the refresh
 * token and the server revokes the whole sign-in if an old one is presented again, so concurrent
 * callers share one request. A refusal ends the sign-in: the member signs in again.
 */
function refreshSignIn() {
  refreshing ??= (async () => {
    const rt = store.getItem('porta.refresh');
    if (!rt) throw new Error(t('signin.expired'));
    const r = await fetch(`/${config.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: config.clientId, refresh_token: rt, scope: SCOPE }),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok || typeof body.access_token !== 'string') {
      if (r.status === 400) store.removeItem('porta.refresh'); // revoked, expired or reused: it will not work again
      throw new Error(t('signin.notRenewed', { detail: body.error_description ?? r.status }));
    }
    keepTokens(body);
    return token();
  })().finally(() => { refreshing = null; });
  return refreshing;
}

/** Renews the sign-in a few minutes before it expires, while the page is open (a meeting may last for hours). */
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const exp = expiryOf(store.getItem('porta.token'));
  if (!exp || !store.getItem('porta.refresh')) return;
  refreshTimer = setTimeout(() => {
    refreshSignIn().catch((e) => console.warn(e.message));
  }, Math.max(0, exp - REFRESH_AHEAD_MS - Date.now()));
}

/** The sign-in token with a few minutes left, renewed first when needed; null when signed out. */
async function freshToken() {
  const exp = expiryOf(store.getItem('porta.token'));
  if (exp && exp - Date.now() > REFRESH_AHEAD_MS) return token();
  if (store.getItem('porta.refresh')) return refreshSignIn();
  return token();
}

function expiryOf(t) {
  try {
    return JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000;
  } catch {
    return null;
  }
}

function token() {
  const t = store.getItem('porta.token');
  if (!t) return null;
  try {
    const claims = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    if (claims.exp * 1000 < Date.now() + 60_000) { store.removeItem('porta.token'); return null; }
    return { token: t, name: claims.name ?? claims.preferred_username ?? '' };
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ meetings
function localInput(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

async function schedule(event) {
  event.preventDefault();
  say('#schedule-error', '');
  const f = event.target;
  const start = new Date(f.start.value);
  const end = new Date(start.getTime() + Number(f.duration.value) * 60_000);
  const body = {
    subject: f.subject.value.trim(),
    startDateTime: start.toISOString(),
    endDateTime: end.toISOString(),
    lobbyBypassSettings: { scope: f.lobby.value },
    allowedPresenters: f.presenters.value,
  };
  const attendees = f.attendees.value.split(/[,;\s]+/).filter(Boolean);
  if (attendees.length) body.participants = { attendees: attendees.map((upn) => ({ upn, role: 'attendee' })) };
  const me = await freshToken();
  if (!me) throw new Error(t('signin.expired'));
  const r = await fetch('/v1.0/me/onlineMeetings', {
    method: 'POST',
    headers: { Authorization: `Bearer ${me.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const meeting = await r.json().catch(() => ({}));
  if (!r.ok) {
    say('#schedule-error', t('schedule.failed', { detail: meeting.error?.message ?? `(${r.status})` }));
    return;
  }
  const list = JSON.parse(localStorage.getItem('porta.meetings') ?? '[]');
  list.unshift({ subject: meeting.subject, startDateTime: meeting.startDateTime, joinWebUrl: meeting.joinWebUrl,
    meetingId: meeting.joinMeetingIdSettings?.joinMeetingId, passcode: meeting.joinMeetingIdSettings?.passcode });
  localStorage.setItem('porta.meetings', JSON.stringify(list.slice(0, 20)));
  renderMeetings();
}

function copyButton(key, text) {
  const label = t(key);
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'small';
  b.textContent = label;
  b.onclick = async () => {
    try { await navigator.clipboard.writeText(text); b.textContent = t('home.copied'); } catch { prompt(t('home.copyThis'), text); }
    setTimeout(() => { b.textContent = label; }, 1500);
  };
  return b;
}

function renderMeetings() {
  const list = JSON.parse(localStorage.getItem('porta.meetings') ?? '[]');
  $('#meetings').replaceChildren(...list.map((m) => {
    const li = document.createElement('li');
    li.className = 'meeting-card';
    const h = document.createElement('h4');
    h.textContent = `${m.subject} — ${formatDateTime(m.startDateTime)}`;
    const link = document.createElement('input');
    link.readOnly = true; link.value = m.joinWebUrl; link.className = 'join-link'; link.setAttribute('aria-label', t('home.joinLink'));
    const ids = document.createElement('p');
    ids.className = 'ids';
    ids.textContent = t('home.ids', { id: m.meetingId, passcode: m.passcode });
    const join = document.createElement('button');
    join.textContent = t('join.button');
    join.className = 'join primary';
    join.onclick = () => joinMeeting({ meetingLink: m.joinWebUrl });
    li.append(h, link, ids, copyButton('home.copyLink', m.joinWebUrl), copyButton('home.copyIds', t('home.idsToCopy', { id: m.meetingId, passcode: m.passcode })), join);
    return li;
  }));
}

// ------------------------------------------------------------------ joining
let client;
let agent;

/** The link as a string when it is a web address of this server's origin, else null. */
function ownLink(value) {
  try {
    const url = new URL(value);
    return url.origin === location.origin ? url.href : null;
  } catch {
    return null;
  }
}

function foreignLinkMessage(value) {
  let origin = t('join.anotherServer');
  try { origin = new URL(value).origin; } catch { /* keep the words */ }
  return t('join.foreignLink', { origin, own: location.origin });
}

/**
 * A calling token for the signed-in member: the token exchange (RFC 8693) of the Graph sign-in token
 * for a short-lived token whose only audience is the calling service. Also the credential's refresher,
 * so during a meeting the calling token is renewed from a sign-in token that is itself kept fresh by
 * the refresh token: no gap however long the meeting lasts (within directory.refresh-token-lifetime).
 */
async function callingToken() {
  const me = await freshToken().catch(() => null);
  if (!me) throw new Error(t('signin.expired'));
  const r = await fetch(`/${config.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: TOKEN_EXCHANGE, client_id: config.clientId, subject_token: me.token,
      subject_token_type: ACCESS_TOKEN_TYPE, audience: CALLING_AUDIENCE }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok || typeof body.access_token !== 'string') {
    throw new Error(t('join.noCallingToken', { detail: body.error_description ?? r.status }));
  }
  return body.access_token;
}

/** The subject of one of the member's own meetings with this link, from the list or the Graph API. */
async function subjectOf(locator) {
  if (!locator.meetingLink) return null;
  const mine = JSON.parse(localStorage.getItem('porta.meetings') ?? '[]').find((m) => m.joinWebUrl === locator.meetingLink);
  if (mine) return mine.subject;
  try {
    const filter = `JoinWebUrl eq '${locator.meetingLink.replace(/'/g, "''")}'`;
    const r = await fetch(`/v1.0/me/onlineMeetings?$filter=${encodeURIComponent(filter)}`, { headers: { Authorization: `Bearer ${(await freshToken()).token}` } });
    const found = r.ok ? (await r.json()).value?.[0] : undefined;
    return typeof found?.subject === 'string' ? found.subject : null;
  } catch {
    return null;
  }
}

/** Sign-in first if needed, then the pre-join screen; nothing is joined and no device opened until its Join button. */
async function joinMeeting(locator) {
  say('#home-error', '');
  if (locator.meetingLink !== undefined && !ownLink(locator.meetingLink)) {
    say('#home-error', foreignLinkMessage(locator.meetingLink));
    show('home-view');
    return;
  }
  if (!(await freshToken().catch(() => null))) { store.setItem('porta.pendingJoin', JSON.stringify(locator)); return signIn(); }
  say('#prejoin-error', '');
  $('#prejoin-subject').textContent = locator.meetingLink ? t('prejoin.titleAny') : t('prejoin.titleId', { id: locator.meetingId });
  $('#prejoin-target').textContent = locator.meetingLink ?? t('prejoin.meetingId', { id: locator.meetingId });
  $('#prejoin-camera').checked = false;
  $('#prejoin-microphone').checked = false;
  $('#prejoin-join').onclick = () => startJoin(locator, { camera: $('#prejoin-camera').checked, microphone: $('#prejoin-microphone').checked });
  $('#prejoin-cancel').onclick = () => show('home-view');
  show('prejoin-view');
  const subject = await subjectOf(locator);
  // Only if the screen still shows this meeting (the member may have cancelled and picked another).
  if (subject && $('#prejoin-target').textContent === locator.meetingLink) $('#prejoin-subject').textContent = t('prejoin.titleSubject', { subject });
}

async function startJoin(locator, { camera: wantsCamera, microphone }) {
  $('#prejoin-join').disabled = true;
  try {
    client ??= new CallClient();
    agent ??= await client.createCallAgent(new AzureCommunicationTokenCredential({
      token: await callingToken(), tokenRefresher: callingToken, refreshProactively: true }));
    const devices = await client.getDeviceManager();
    if (wantsCamera || microphone) await devices.askDevicePermission({ audio: microphone, video: wantsCamera }).catch(() => {});
    const [cam] = wantsCamera ? await devices.getCameras() : [];
    const camera = cam ? new LocalVideoStream(cam) : undefined;
    const call = agent.join(locator, { audioOptions: { muted: !microphone }, videoOptions: { localVideoStreams: camera ? [camera] : [] } });
    window.portaCall = call; // for scripting and tests
    show('meeting-view');
    mountMeeting($('#meeting-view'), {
      call, deviceManager: devices, camera,
      onEnded: (reason) => {
        $('#ended-reason').textContent = endReasonText(reason);
        show('ended-view');
      },
    });
  } catch (e) {
    say('#prejoin-error', e.message);
    show('prejoin-view');
  } finally {
    $('#prejoin-join').disabled = false;
  }
}

function joinByForm(event) {
  event.preventDefault();
  const f = event.target;
  const value = f.target.value.trim();
  if (/^https?:\/\//.test(value)) joinMeeting({ meetingLink: value });
  else joinMeeting({ meetingId: value.replace(/\s+/g, ''), passcode: f.passcode.value.trim() });
}

// ------------------------------------------------------------------ start
async function main() {
  try {
    const r = await fetch('/app/config.json');
    config = await r.json();
    if (!r.ok) throw new Error(config.error?.message ?? t('app.notSetUp'));
    const params = new URLSearchParams(location.search);
    if (params.has('code') || params.has('error')) await finishSignIn(params);
  } catch (e) {
    say('#signin-error', e.message);
    show('signin-view');
    return;
  }
  const hash = new URLSearchParams(location.hash.slice(1));
  let refused = '';
  if (hash.get('join')) {
    // Only this server's own links; anything else is dropped here, before sign-in.
    if (ownLink(hash.get('join'))) store.setItem('porta.pendingJoin', JSON.stringify({ meetingLink: hash.get('join') }));
    else refused = foreignLinkMessage(hash.get('join'));
    history.replaceState(null, '', location.pathname);
  }
  const me = await freshToken().catch(() => null);
  if (!me) { say('#signin-error', refused); show('signin-view'); return; }
  scheduleRefresh();
  say('#home-error', refused);
  $('#who').textContent = me.name;
  $('#schedule-form').subject.value = t('schedule.defaultSubject');
  $('#schedule-form').start.value = localInput(new Date(Date.now() + 60_000));
  renderMeetings();
  show('home-view');
  const pending = store.getItem('porta.pendingJoin');
  if (pending) {
    store.removeItem('porta.pendingJoin');
    joinMeeting(JSON.parse(pending));
  }
}

await startLanguages();
$('#language').replaceWith(languageSwitcher());
// Texts this script drew itself are drawn again in the new language.
addEventListener('porta-languagechange', () => { if (!$('#home-view').hidden) renderMeetings(); });
$('#signin').onclick = () => signIn().catch((e) => say('#signin-error', e.message));
$('#signout').onclick = () => {
  store.removeItem('porta.token');
  store.removeItem('porta.refresh');
  location.assign('/app/');
};
$('#schedule-form').onsubmit = (e) => schedule(e).catch((err) => say('#schedule-error', err.message));
$('#join-form').onsubmit = joinByForm;
$('#back-home').onclick = () => location.assign('/app/');
main();
