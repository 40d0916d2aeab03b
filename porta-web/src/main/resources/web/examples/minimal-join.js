// SPDX-License-Identifier: Apache-2.0
// The script of minimal-join.html (no inline script: Porta's Content-Security-Policy allows only
// scripts from its own origin). Reads #token=&link=&name= (and &relay=1 for iceTransportPolicy 'relay')
// but joins only when Join is clicked.
import { CallClient, AzureCommunicationTokenCredential, LocalVideoStream, VideoStreamRenderer }
  from '/sdk/porta-calling.js';

const params = new URLSearchParams(location.hash.slice(1));
const status = document.getElementById('status');
document.getElementById('link').textContent = params.get('link') ?? '(none given)';
window.errors = [];

async function join() {
  try {
    const credential = new AzureCommunicationTokenCredential(params.get('token'));
    const client = new CallClient(params.get('relay') === '1' ? { iceTransportPolicy: 'relay' } : {});
    const agent = await client.createCallAgent(credential, { displayName: params.get('name') ?? undefined });
    const devices = await client.getDeviceManager();
    await devices.askDevicePermission({ audio: true, video: true });
    const [camera] = await devices.getCameras();
    const call = agent.join({ meetingLink: params.get('link') },
      { audioOptions: { muted: false }, videoOptions: { localVideoStreams: [new LocalVideoStream(camera)] } });
    window.call = call;
    call.on('stateChanged', () => {
      status.textContent = call.state === 'Disconnected' ? call.callEndReason.message : call.state;
    });
    call.on('error', (e) => window.errors.push(e.message));
    call.on('remoteParticipantsUpdated', ({ added }) => {
      for (const p of added) {
        const show = async (stream) => {
          const tile = document.createElement('div');
          tile.className = 'tile';
          tile.dataset.label = `${p.displayName}/${stream.mediaStreamType}`;
          document.getElementById('tiles').appendChild(tile);
          const view = await new VideoStreamRenderer(stream).createView();
          tile.appendChild(view.target);
        };
        const tryShow = (stream) => {
          if (stream.isAvailable) show(stream).catch((e) => window.errors.push('view: ' + e.message));
          else stream.on('isAvailableChanged', function once() {
            if (!stream.isAvailable) return;
            stream.off('isAvailableChanged', once);
            show(stream).catch((e) => window.errors.push('view: ' + e.message));
          });
        };
        p.videoStreams.forEach(tryShow);
        p.on('videoStreamsUpdated', (e) => e.added.forEach(tryShow));
      }
    });
  } catch (e) {
    window.joinError = { name: e?.name, reason: e?.reason, code: e?.code, subCode: e?.subCode, message: e?.message };
    window.errors.push(String(e && e.message || e));
    status.textContent = 'failed: ' + e;
  }
}

const button = document.getElementById('join');
button.addEventListener('click', () => {
  button.disabled = true;
  status.textContent = 'joining';
  join();
}, { once: true });
