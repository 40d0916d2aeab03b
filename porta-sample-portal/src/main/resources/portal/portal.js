// SPDX-License-Identifier: Apache-2.0
// The visitor's page: name → guest token from our server (only with a valid invitation) → Porta's
// pre-join device check (camera preview, microphone level, on/off, pickers) → Porta's calling
// library, loaded from Porta, joins the meeting with the chosen devices; the lobby waiting screen and
// the meeting view come from Porta's meeting view, which shows only what the guest's capabilities allow.
// Every text comes from Porta's message catalogues (English, Italian, Korean; chosen from the browser,
// switchable, remembered).
const $ = (id) => document.getElementById(id);
const invitation = new URLSearchParams(location.search).get('inv');

const { portaUrl } = await (await fetch('/api/porta')).json();
const porta = portaUrl.replace(/\/$/, '');
const { t, endReasonText, languageSwitcher, serverText, startLanguages } = await import(`${porta}/app/i18n.js`);
await startLanguages();
$('language').replaceWith(languageSwitcher());

function refuse(where, message) {
  $(where).textContent = message;
  $(where).hidden = false;
}

if (!invitation) {
  // No invitation, no token request at all.
  refuse('no-invitation-text', t('guest.noInvitation'));
  $('no-invitation').hidden = false;
} else {
  $('name-form').hidden = false;
}

/** Our server's refusals (English, naming the cause) in the visitor's language, by status. */
function refusalText(status, answer) {
  const key = { 403: 'guest.invitationRefused', 404: 'guest.invitationRefused', 429: 'guest.tooMany', 400: 'guest.badName' }[status];
  return serverText(answer.message, key ?? 'guest.unreachable');
}

$('name-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('refusal').hidden = true;
  $('join').disabled = true;
  try {
    const r = await fetch('/api/join', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ invitation, displayName: $('display-name').value }),
    });
    const answer = await r.json().catch(() => null);
    if (!answer) { refuse('refusal', t('guest.unreachable')); return; }
    if (!r.ok) {
      if (r.status === 403 || r.status === 404) { $('name-form').hidden = true; refuse('no-invitation-text', refusalText(r.status, answer)); $('no-invitation').hidden = false; }
      else refuse('refusal', refusalText(r.status, answer));
      return;
    }
    await join(answer);
  } catch (e) {
    refuse('refusal', t('guest.failed', { detail: e.message }));
  } finally {
    $('join').disabled = false;
  }
});

async function join(answer) {
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = `${porta}/app/app.css`;
  document.head.append(css);
  const { CallClient, AzureCommunicationTokenCredential } = await import(`${porta}/sdk/porta-calling.js`);
  const { mountMeeting } = await import(`${porta}/app/meeting-view.js`);
  const { mountPrejoin } = await import(`${porta}/app/prejoin.js`);
  const client = new CallClient();
  const agent = await client.createCallAgent(new AzureCommunicationTokenCredential(answer.token), { displayName: answer.displayName });
  const devices = await client.getDeviceManager();
  // The visitor clicked to go on: now the device check may open the camera and microphone.
  $('name-form').hidden = true;
  $('prejoin').hidden = false;
  const choice = await mountPrejoin($('prejoin'), { deviceManager: devices });
  $('prejoin').hidden = true;
  const call = agent.join({ meetingLink: answer.meetingLink },
    { audioOptions: { muted: !choice.microphone }, videoOptions: { localVideoStreams: choice.camera ? [choice.camera] : [] } });
  window.portaCall = call; // for scripting and tests
  let admitted = false;
  call.on('stateChanged', () => { admitted ||= call.state === 'Connected'; });
  $('meeting').hidden = false;
  mountMeeting($('meeting'), {
    call, deviceManager: devices, camera: choice.camera ?? undefined, title: answer.subject,
    onEnded: (reason) => {
      $('meeting').hidden = true;
      const title = $('ended-title');
      title.dataset.i18n = admitted ? 'guest.ended' : 'guest.notJoined';
      title.textContent = t(title.dataset.i18n);
      $('ended-reason').textContent = reason ? endReasonText(reason) : t('guest.left');
      $('ended').hidden = false;
    },
  });
}
