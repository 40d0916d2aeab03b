// SPDX-License-Identifier: Apache-2.0
// The visitor's page: name → guest token from our server (only with a valid invitation) → Porta's
// calling library, loaded from Porta, joins the meeting; the lobby waiting screen and the meeting
// view come from Porta's meeting view, which shows only what the guest's capabilities allow.
const $ = (id) => document.getElementById(id);
const invitation = new URLSearchParams(location.search).get('inv');

function refuse(where, message) {
  $(where).textContent = message;
  $(where).hidden = false;
}

if (!invitation) {
  // No invitation, no token request at all.
  refuse('no-invitation-text', 'This page needs an invitation link. Open the link from your invitation, or ask the person you are meeting to send it again.');
  $('no-invitation').hidden = false;
} else {
  $('name-form').hidden = false;
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
    const answer = await r.json().catch(() => ({ message: 'The portal could not be reached. Check your connection and try again.' }));
    if (!r.ok) {
      if (r.status === 403 || r.status === 404) { $('name-form').hidden = true; refuse('no-invitation-text', answer.message); $('no-invitation').hidden = false; }
      else refuse('refusal', answer.message);
      return;
    }
    await join(answer);
  } catch (e) {
    refuse('refusal', `${e.message}. Reload the page and try again.`);
  } finally {
    $('join').disabled = false;
  }
});

async function join(answer) {
  const porta = answer.portaUrl.replace(/\/$/, '');
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = `${porta}/app/app.css`;
  document.head.append(css);
  const { CallClient, AzureCommunicationTokenCredential, LocalVideoStream } = await import(`${porta}/sdk/porta-calling.js`);
  const { mountMeeting } = await import(`${porta}/app/meeting-view.js`);
  const client = new CallClient();
  const agent = await client.createCallAgent(new AzureCommunicationTokenCredential(answer.token), { displayName: answer.displayName });
  const devices = await client.getDeviceManager();
  await devices.askDevicePermission({ audio: true, video: true }).catch(() => {});
  const [cam] = await devices.getCameras();
  const camera = cam ? new LocalVideoStream(cam) : undefined;
  const call = agent.join({ meetingLink: answer.meetingLink },
    { audioOptions: { muted: false }, videoOptions: { localVideoStreams: camera ? [camera] : [] } });
  window.portaCall = call; // for scripting and tests
  let admitted = false;
  call.on('stateChanged', () => { admitted ||= call.state === 'Connected'; });
  $('name-form').hidden = true;
  $('meeting').hidden = false;
  mountMeeting($('meeting'), {
    call, deviceManager: devices, camera, title: answer.subject,
    onEnded: (reason) => {
      $('meeting').hidden = true;
      $('ended-title').textContent = admitted ? 'Your appointment has ended' : 'You could not join the appointment';
      $('ended-reason').textContent = reason?.message ?? 'You left the appointment.';
      $('ended').hidden = false;
    },
  });
}
