// SPDX-License-Identifier: Apache-2.0
/**
 * The pre-join device check: camera preview, microphone level, camera and microphone on/off, camera
 * and microphone pickers, then "Join now". Built on the calling library's DeviceManager,
 * LocalVideoStream and VideoStreamRenderer; importable by custom applications (the sample portal
 * uses it for guests):
 *
 *   const choice = await mountPrejoin(element, { deviceManager });
 *   agent.join(locator, { audioOptions: { muted: !choice.microphone },
 *     videoOptions: { localVideoStreams: choice.camera ? [choice.camera] : [] } });
 *
 * Mount it only after the person has clicked something that means "I want to join": it opens the
 * devices the person had on last time (remembered per browser, both on the first time). Turning one
 * off closes it. The promise resolves on "Join now" with `camera` (a LocalVideoStream, or null when
 * the camera is off) and `microphone` (true when the person joins unmuted); the level meter's
 * microphone is closed by then, the camera stays open for the call.
 * @module prejoin
 */
import { LocalVideoStream, VideoStreamRenderer } from '../sdk/porta-calling.js';
import { t, translate } from './i18n.js';

const CHOICE_KEY = 'porta.prejoin';

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function remembered() {
  try {
    const saved = JSON.parse(localStorage.getItem(CHOICE_KEY) ?? '{}');
    return { camera: saved.camera !== false, microphone: saved.microphone !== false };
  } catch {
    return { camera: true, microphone: true };
  }
}

/**
 * @param {HTMLElement} root
 * @param {{deviceManager: any, joinLabelKey?: string}} options
 * @returns {Promise<{camera: LocalVideoStream|null, microphone: boolean}>}
 */
export function mountPrejoin(root, { deviceManager, joinLabelKey = 'prejoin.joinNow' }) {
  const choice = remembered();
  const preview = el('div', { class: 'prejoin-preview', 'data-i18n-aria-label': 'prejoin.preview', role: 'img' });
  const meter = el('meter', { class: 'prejoin-level', min: 0, max: 1, value: 0, 'data-i18n-aria-label': 'prejoin.level' });
  const cameraToggle = el('input', { type: 'checkbox', id: 'prejoin-camera-on' });
  const micToggle = el('input', { type: 'checkbox', id: 'prejoin-mic-on' });
  const cameraPicker = el('select', { id: 'prejoin-camera-picker' });
  const micPicker = el('select', { id: 'prejoin-mic-picker' });
  const notice = el('p', { class: 'notice', role: 'alert', hidden: true });
  const joinNow = el('button', { class: 'primary', id: 'join-now', type: 'button', 'data-i18n': joinLabelKey });
  cameraToggle.checked = choice.camera;
  micToggle.checked = choice.microphone;
  root.replaceChildren(el('section', { class: 'prejoin-check' },
    el('h2', { 'data-i18n': 'prejoin.check' }),
    preview,
    el('label', { class: 'check' }, cameraToggle, ' ', el('span', { 'data-i18n': 'prejoin.cameraOn' })),
    el('label', {}, el('span', { 'data-i18n': 'prejoin.cameraPicker' }), cameraPicker),
    el('label', { class: 'check' }, micToggle, ' ', el('span', { 'data-i18n': 'prejoin.micOn' })),
    el('label', {}, el('span', { 'data-i18n': 'prejoin.micPicker' }), micPicker),
    el('label', {}, el('span', { 'data-i18n': 'prejoin.level' }), meter),
    notice, joinNow));
  translate(root);

  let cameras = [];
  let microphones = [];
  let camera = null; // LocalVideoStream while the camera is on
  let view = null;
  let mic = null; // { stream, context, timer } while the level meter listens

  const warn = (e) => { notice.textContent = t('prejoin.noDevice', { detail: e?.message ?? String(e) }); notice.hidden = false; };

  function stopCamera() {
    view?.dispose();
    view = null;
    // The preview's own camera: stop its tracks so the light goes off.
    camera?.getMediaStream().then((s) => s.getTracks().forEach((track) => track.stop())).catch(() => {});
    camera = null;
    preview.replaceChildren(el('p', { class: 'prejoin-off', 'data-i18n': 'prejoin.cameraOff' }, t('prejoin.cameraOff')));
  }

  async function startCamera() {
    stopCamera();
    const device = cameras[cameraPicker.selectedIndex] ?? cameras[0];
    if (!device) return;
    camera = new LocalVideoStream(device);
    view = await new VideoStreamRenderer(camera).createView({ isMirrored: true });
    preview.replaceChildren(view.target);
  }

  function stopMeter() {
    if (!mic) return;
    clearInterval(mic.timer);
    mic.stream.getTracks().forEach((track) => track.stop());
    mic.context.close().catch(() => {});
    mic = null;
    meter.value = 0;
  }

  async function startMeter() {
    stopMeter();
    const device = microphones[micPicker.selectedIndex] ?? microphones[0];
    if (!device) return;
    await deviceManager.selectMicrophone(device);
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: device.id } } });
    const context = new AudioContext();
    // Created after awaits that may outlast the click's user activation: it may start suspended.
    context.resume().catch(() => {});
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
    }, 100);
    mic = { stream, context, timer };
  }

  const fill = (select, list) => select.replaceChildren(...list.map((d) => el('option', {}, d.name || d.id)));

  const ready = (async () => {
    await deviceManager.askDevicePermission({ audio: choice.microphone, video: choice.camera }).catch(() => {});
    [cameras, microphones] = await Promise.all([deviceManager.getCameras(), deviceManager.getMicrophones()]);
    fill(cameraPicker, cameras);
    fill(micPicker, microphones);
    const selected = microphones.findIndex((m) => m.id === deviceManager.selectedMicrophone?.id);
    if (selected >= 0) micPicker.selectedIndex = selected;
    if (cameraToggle.checked) await startCamera().catch(warn); else stopCamera();
    if (micToggle.checked) await startMeter().catch(warn);
  })();

  cameraToggle.addEventListener('change', () => (cameraToggle.checked ? startCamera() : Promise.resolve(stopCamera())).catch(warn));
  cameraPicker.addEventListener('change', () => { if (cameraToggle.checked) startCamera().catch(warn); });
  micToggle.addEventListener('change', () => (micToggle.checked ? startMeter() : Promise.resolve(stopMeter())).catch(warn));
  micPicker.addEventListener('change', () => {
    const device = microphones[micPicker.selectedIndex];
    if (micToggle.checked) startMeter().catch(warn);
    else if (device) deviceManager.selectMicrophone(device).catch(warn);
  });

  return new Promise((resolve) => {
    joinNow.addEventListener('click', async () => {
      joinNow.disabled = true;
      await ready.catch(() => {});
      stopMeter();
      const result = { camera: cameraToggle.checked ? camera : null, microphone: micToggle.checked };
      if (!result.camera) stopCamera();
      view?.dispose();
      try { localStorage.setItem(CHOICE_KEY, JSON.stringify({ camera: cameraToggle.checked, microphone: micToggle.checked })); } catch { /* private mode */ }
      resolve(result);
    }, { once: true });
  });
}
