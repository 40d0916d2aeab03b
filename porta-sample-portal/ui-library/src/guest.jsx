// SPDX-License-Identifier: Apache-2.0
// The portal's guest page built from Microsoft's UI Library: the portal's own invitation and token flow,
// then the unchanged CallComposite fed by createAzureCommunicationCallAdapter. The only Porta-specific line
// is configure(): the bundle is served by the portal, so the calling library is told where Porta is.
import './no-cdn-fonts.js';
import { createRoot } from 'react-dom/client';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CallComposite, createAzureCommunicationCallAdapter } from '@azure/communication-react';
import { configure } from '@azure/communication-calling';

const invitation = new URLSearchParams(location.search).get('inv');
const form = document.getElementById('name-form');

if (!invitation) {
  document.getElementById('no-invitation').hidden = false;
} else {
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    join(document.getElementById('display-name').value).catch((error) => refuse(error.message));
  });
}

function refuse(message) {
  const refusal = document.getElementById('refusal');
  refusal.textContent = message;
  refusal.hidden = false;
  document.getElementById('join').disabled = false;
}

async function join(displayName) {
  document.getElementById('join').disabled = true;
  const answer = await fetch('/api/join', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ invitation, displayName }),
  });
  const body = await answer.json();
  if (!answer.ok) throw new Error(body.message);
  configure({ signalingUrl: new URL('calling/v1', body.portaUrl).href });
  const adapter = await createAzureCommunicationCallAdapter({
    userId: { communicationUserId: body.userId },
    displayName: body.displayName,
    credential: new AzureCommunicationTokenCredential(body.token),
    locator: { meetingLink: body.meetingLink },
  });
  // For the browser test and for operators: the pages the composite showed, in order, and what it considers
  // errors. A page is noted once the task that changed the state is over (as React renders it): a call that
  // ends reports Disconnected and then leaves the agent's calls in one task, and the page the state passes
  // through between the two is never shown.
  const pages = [adapter.getState().page];
  let noting = false;
  adapter.onStateChange(() => {
    if (noting) return;
    noting = true;
    setTimeout(() => {
      noting = false;
      const page = adapter.getState().page;
      if (pages.at(-1) !== page) pages.push(page);
    }, 0);
  });
  globalThis.portaUiLibrary = { adapter, pages, latestErrors: () => adapter.getState().latestErrors };
  form.hidden = true;
  const host = document.getElementById('composite');
  host.hidden = false;
  // The end page's quality survey is off: Porta has no survey service (Features.CallSurvey refuses submissions).
  createRoot(host).render(<CallComposite adapter={adapter} formFactor="desktop" options={{ surveyOptions: { disableSurvey: true } }} />);
}
