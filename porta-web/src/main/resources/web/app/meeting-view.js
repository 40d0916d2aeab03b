// SPDX-License-Identifier: Apache-2.0
/**
 * The in-meeting screen, built only on the public API of Porta's calling library (the same code works
 * against the ACS library's shapes). Used by the members' app and importable by custom applications:
 *
 *   import { mountMeeting } from 'https://<porta>/app/meeting-view.js';
 *   mountMeeting(element, { call, deviceManager, camera });
 *
 * Controls appear only for what the call's capabilities allow, so a guest sees exactly the controls
 * the guest capability matrix grants. Every refusal is shown as the library's sentence.
 * @module meeting-view
 */
import { Features, LocalVideoStream, VideoStreamRenderer } from '../sdk/porta-calling.js';

// Words, not emoji: they read out well and render on machines without a colour emoji font.
const REACTIONS = { like: 'Like', heart: 'Love', applause: 'Applause', laugh: 'Laugh', surprised: 'Wow' };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** "Ada (Guest)" for guests: people must be able to tell who is from outside. */
export function nameOf(p) {
  return p.displayName + (p.isGuest ? ' (Guest)' : '');
}

/**
 * Shows a call in `root`.
 * @param {HTMLElement} root
 * @param {{call: any, deviceManager: any, camera?: any, onEnded?: (reason: any) => void, title?: string}} options
 */
export function mountMeeting(root, { call, deviceManager, camera, onEnded, title }) {
  const caps = call.feature(Features.Capabilities);
  const hands = call.feature(Features.RaiseHand);
  const chat = call.feature(Features.Chat);
  const reactions = call.feature(Features.Reaction);
  const speakers = call.feature(Features.DominantSpeakers);
  let localCamera = camera ?? null;

  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const notice = el('p', { class: 'notice', role: 'alert', hidden: true });
  const stage = el('div', { class: 'stage', hidden: true });
  const grid = el('div', { class: 'grid' });
  const controls = el('div', { class: 'controls' });
  const people = el('ul', { class: 'people' });
  const lobbyList = el('ul', { class: 'lobby-list' });
  const lobbyPanel = el('section', { class: 'panel lobby-panel', hidden: true },
    el('h3', {}, 'Lobby'), lobbyList,
    el('button', { class: 'admit-all', onclick: () => act(() => call.lobby.admitAll()) }, 'Admit all'));
  const chatLog = el('ol', { class: 'chat-log' });
  const chatInput = el('input', { class: 'chat-input', 'aria-label': 'Message', maxlength: 4000, placeholder: 'Type a message' });
  const chatForm = el('form', { class: 'chat-form', onsubmit: (e) => {
    e.preventDefault();
    const text = chatInput.value;
    act(async () => { await chat.sendMessage(text); chatInput.value = ''; });
  } }, chatInput, el('button', {}, 'Send'));
  // "… is typing" for a while after each typing notification (ACS clients repeat theirs every 8 s while typing)
  const typingLine = el('p', { class: 'typing', 'aria-live': 'polite' });
  const typing = new Map();
  const chatPanel = el('section', { class: 'panel chat-panel', hidden: true }, el('h3', {}, 'Chat'), chatLog, typingLine, chatForm);
  const peoplePanel = el('section', { class: 'panel people-panel' }, el('h3', {}, 'People'), people);
  const devicesPanel = el('section', { class: 'panel devices-panel', hidden: true }, el('h3', {}, 'Devices'));
  const breakoutPanel = el('section', { class: 'panel breakout-panel', hidden: true });
  const rooms = call.feature(Features.BreakoutRooms);
  const together = call.feature(Features.TogetherMode);
  const waiting = el('div', { class: 'waiting', hidden: true },
    el('h2', {}, 'Waiting in the lobby'),
    el('p', {}, 'Someone in the meeting will let you in soon. Keep this page open.'));
  const floating = el('div', { class: 'floating-reactions', 'aria-live': 'polite' });

  root.replaceChildren(el('section', { class: 'meeting' },
    el('header', { class: 'meeting-header' }, el('h2', { class: 'subject' }, title ?? 'Meeting'), status),
    notice, waiting,
    el('div', { class: 'meeting-body' },
      el('div', { class: 'videos' }, stage, grid, floating),
      el('aside', { class: 'side' }, lobbyPanel, peoplePanel, chatPanel, breakoutPanel, devicesPanel)),
    controls));

  function show(message) {
    // The server names people by participant id; a person knows them by name.
    const text = String(message ?? '').replace(/\b(?:[Pp]articipant )?(p-[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/g, (whole, id) => {
      const p = call.remoteParticipants.find((x) => x.participantId === id) ?? call.lobby.participants.find((x) => x.participantId === id);
      return p ? nameOf(p) : whole;
    });
    notice.textContent = text;
    notice.hidden = !text;
  }

  async function act(fn) {
    try {
      show('');
      await fn();
    } catch (e) {
      show(e?.message ?? String(e));
    }
  }

  // ---------------------------------------------------------------- tiles
  const tiles = new Map(); // participantId -> {tile, video, screen}

  function tileFor(p) {
    let t = tiles.get(p.participantId);
    if (t) return t;
    const label = el('span', { class: 'label' });
    const video = el('div', { class: 'video' });
    const tile = el('div', { class: 'tile', 'data-participant': p.participantId, 'data-label': p.displayName }, video, label);
    t = { tile, video, label, screen: null, views: new Map() };
    tiles.set(p.participantId, t);
    grid.append(tile);
    const refresh = () => {
      // The name may be clipped (long or padded with blank-looking characters); the guest badge is its own
      // element outside the clipped part, so it always shows.
      label.replaceChildren(el('span', { class: 'name' }, p.displayName),
        ...(p.isGuest ? [el('span', { class: 'badge guest-badge' }, 'Guest')] : []), ...badges(p.isMuted, p.isHandRaised));
      tile.classList.toggle('speaking', p.isSpeaking);
    };
    refresh();
    for (const e of ['isMutedChanged', 'isSpeakingChanged', 'isHandRaisedChanged', 'displayNameChanged']) p.on(e, () => { refresh(); renderPeople(); });
    const watch = (stream) => {
      const render = async () => {
        const existing = t.views.get(stream.id);
        if (!stream.isAvailable) {
          existing?.dispose();
          t.views.delete(stream.id);
          if (stream.mediaStreamType === 'ScreenSharing') { t.screen?.remove(); t.screen = null; updateStage(); }
          return;
        }
        if (existing) return;
        try {
          const view = await new VideoStreamRenderer(stream).createView({ scalingMode: stream.mediaStreamType === 'ScreenSharing' ? 'Fit' : 'Crop' });
          if (!stream.isAvailable) { view.dispose(); return; }
          t.views.set(stream.id, view);
          if (stream.mediaStreamType === 'ScreenSharing') {
            t.screen = el('div', { class: 'screen', 'data-label': `${p.displayName} (screen)` }, view.target,
              el('span', { class: 'label' }, `${nameOf(p)} is sharing`));
            stage.append(t.screen);
            updateStage();
          } else {
            video.replaceChildren(view.target);
          }
        } catch (e) {
          // the stream went away while we waited for its video; its next change renders it again
        }
      };
      stream.on('isAvailableChanged', render);
      render();
    };
    p.videoStreams.forEach(watch);
    p.on('videoStreamsUpdated', (e) => e.added.forEach(watch));
    return t;
  }

  function badges(muted, handRaised) {
    return [muted ? el('span', { class: 'badge' }, 'Muted') : null, handRaised ? el('span', { class: 'badge hand-badge' }, 'Hand raised') : null]
      .filter(Boolean);
  }

  function updateStage() {
    stage.hidden = stage.childElementCount === 0;
    root.querySelector('.meeting')?.classList.toggle('sharing', !stage.hidden);
  }

  function dropTile(p) {
    const t = tiles.get(p.participantId);
    if (!t) return;
    for (const v of t.views.values()) v.dispose();
    t.tile.remove();
    t.screen?.remove();
    tiles.delete(p.participantId);
    updateStage();
  }

  let selfTile = null;
  async function renderSelf() {
    if (!selfTile) {
      selfTile = el('div', { class: 'tile self', 'data-label': 'You' }, el('div', { class: 'video' }), el('span', { class: 'label' }, 'You'));
      grid.prepend(selfTile);
    }
    const box = selfTile.querySelector('.video');
    box.replaceChildren();
    if (localCamera && call.isLocalVideoStarted) {
      const view = await new VideoStreamRenderer(localCamera).createView({ isMirrored: true });
      box.append(view.target);
    }
    selfTile.querySelector('.label').replaceChildren('You', ...badges(call.isMuted, false));
  }

  // ---------------------------------------------------------------- roster and lobby
  function renderPeople() {
    const rows = [el('li', { class: 'me' }, `You (${call.role})`, ...badges(call.isMuted, myHandIsUp()))];
    for (const p of call.remoteParticipants) {
      const row = el('li', { 'data-participant': p.participantId, 'data-identity': p.identifier.rawId, class: p.isGuest ? 'guest' : 'member' },
        el('span', { class: 'name' }, nameOf(p)),
        el('span', { class: 'role' }, p.role),
        ...badges(p.isMuted, p.isHandRaised));
      if (caps.isAllowed('manageParticipants') && p.role !== 'Organizer') {
        row.append(el('button', { class: 'small', onclick: () => act(() => p.mute()) }, 'Mute'),
          el('button', { class: 'small', onclick: () => act(() => call.removeParticipant(p.identifier)) }, 'Remove'));
      }
      rows.push(row);
    }
    people.replaceChildren(...rows);
  }

  function renderLobby() {
    const waitingPeople = call.lobby.participants;
    lobbyPanel.hidden = !caps.isAllowed('admitFromLobby') || waitingPeople.length === 0;
    lobbyList.replaceChildren(...waitingPeople.map((p) => el('li', { 'data-participant': p.participantId },
      el('span', { class: 'name' }, nameOf(p)),
      el('button', { class: 'admit', onclick: () => act(() => call.lobby.admit(p.identifier)) }, 'Admit'),
      el('button', { class: 'deny', onclick: () => act(() => call.lobby.reject(p.identifier)) }, 'Deny'))));
  }

  // ---------------------------------------------------------------- chat and reactions
  function renderTyping() {
    const names = [...typing.values()].map((t) => t.name);
    typingLine.textContent = names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
  }

  function renderChat() {
    chatLog.replaceChildren(...chat.messages.map((m) => el('li', {},
      el('b', {}, m.senderDisplayName + (m.isSenderGuest ? ' (Guest)' : '') + ': '), m.content)));
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  // Identifiers name identities (8:acs:… guests, 8:orgid:… members), not devices: compare by rawId.
  function isMe(identifier) {
    return identifier?.rawId !== undefined && identifier.rawId === call.identifier?.rawId;
  }

  function myHandIsUp() {
    return hands.getRaisedHands().some((h) => isMe(h.identifier));
  }

  function nameByIdentifier(identifier) {
    if (isMe(identifier)) return 'You';
    const p = call.remoteParticipants.find((x) => x.identifier.rawId === identifier?.rawId);
    return p ? nameOf(p) : 'Someone';
  }

  /** The participant ids (tiles) of everyone an identifier names. */
  function participantIdsOf(identifier) {
    return call.remoteParticipants.filter((x) => x.identifier.rawId === identifier?.rawId).map((x) => x.participantId);
  }

  // ---------------------------------------------------------------- controls
  function button(cls, label, onclick) {
    return el('button', { class: cls, type: 'button', onclick }, label);
  }

  function renderControls() {
    const items = [];
    if (caps.isAllowed('audio')) {
      items.push(button('mute', call.isMuted ? 'Unmute' : 'Mute', () => act(() => (call.isMuted ? call.unmute() : call.mute()))));
    }
    if (caps.isAllowed('video')) {
      items.push(button('camera', call.isLocalVideoStarted ? 'Stop camera' : 'Start camera', () => act(async () => {
        if (call.isLocalVideoStarted) {
          await call.stopVideo(call.localVideoStreams.find((s) => s.mediaStreamType === 'Video'));
        } else {
          const [cam] = await deviceManager.getCameras();
          if (!cam) throw new Error('No camera was found. Connect one and try again.');
          localCamera = new LocalVideoStream(cam);
          await call.startVideo(localCamera);
        }
      })));
    }
    if (caps.isAllowed('screenShare')) {
      // startScreenSharing runs inside the click itself (Safari shows the picker only then)
      items.push(button('share', call.isScreenSharingOn ? 'Stop sharing' : 'Share screen', () => {
        show('');
        (call.isScreenSharingOn ? call.stopScreenSharing() : call.startScreenSharing()).catch((e) => show(e.message));
      }));
    }
    if (caps.isAllowed('raiseHand')) {
      const up = myHandIsUp();
      items.push(button('hand', up ? 'Lower hand' : 'Raise hand', () => act(() => (up ? hands.lowerHand() : hands.raiseHand()))));
    }
    if (caps.isAllowed('reactions')) {
      items.push(el('span', { class: 'reactions' }, ...Object.entries(REACTIONS).map(([type, word]) =>
        el('button', { class: 'reaction', type: 'button', title: type, 'aria-label': type,
          onclick: () => act(() => reactions.sendReaction({ reactionType: type })) }, word))));
    }
    if (caps.isAllowed('chat')) items.push(button('toggle-chat', 'Chat', () => { chatPanel.hidden = !chatPanel.hidden; }));
    items.push(button('toggle-people', 'People', () => { peoplePanel.hidden = !peoplePanel.hidden; }));
    items.push(button('toggle-devices', 'Devices', () => { devicesPanel.hidden = !devicesPanel.hidden; if (!devicesPanel.hidden) renderDevices(); }));
    if (caps.isAllowed('togetherMode')) {
      items.push(button('together', together.isActive ? 'End Together mode' : 'Together mode',
        () => act(() => (together.isActive ? together.stop() : together.start()))));
    }
    if (caps.isAllowed('breakoutRooms')) {
      items.push(button('breakout', 'Breakout rooms', () => { breakoutPanel.hidden = !breakoutPanel.hidden; renderBreakout(); }));
    }
    items.push(button('leave danger', 'Leave', () => act(() => call.hangUp())));
    if (caps.isAllowed('endMeeting')) {
      items.push(button('end danger', 'End for everyone', () => act(() => call.hangUp({ forEveryone: true }))));
    }
    controls.replaceChildren(...items);
    chatPanel.hidden = chatPanel.hidden || !caps.isAllowed('chat');
  }

  // Organizer: create rooms, assign people, open and close them. Media moves; roster and chat stay.
  function renderBreakout() {
    if (breakoutPanel.hidden) return;
    const list = rooms.breakoutRooms;
    const rows = [el('h3', {}, 'Breakout rooms')];
    if (list.length === 0) {
      rows.push(button('create-rooms', 'Create 2 rooms', () => act(() => rooms.createRooms(['Room 1', 'Room 2']))));
    } else {
      for (const p of call.remoteParticipants) {
        const current = list.find((r) => r.participantIds.includes(p.participantId));
        rows.push(el('label', {}, nameOf(p), el('select', {
          onchange: (e) => act(() => rooms.assign(e.target.value, [p.identifier])),
        }, el('option', { value: '', disabled: true, selected: !current }, 'Choose a room'),
        ...list.map((r) => el('option', { value: r.roomId, selected: current?.roomId === r.roomId }, r.name)))));
      }
      const open = list.some((r) => r.open);
      rows.push(button('rooms-toggle', open ? 'Close rooms' : 'Open rooms', () => act(() => (open ? rooms.close() : rooms.open()))));
    }
    breakoutPanel.replaceChildren(...rows);
  }

  // Together mode: tiles take their seats in the server's seating order on a shared background.
  function renderTogether() {
    root.querySelector('.meeting')?.classList.toggle('together', together.isActive);
    const seatOf = new Map();
    for (const s of together.seatingMap) for (const id of participantIdsOf(s.identifier)) seatOf.set(id, s.row * 100 + s.column);
    for (const [id, t] of tiles) t.tile.style.order = together.isActive ? String(seatOf.get(id) ?? 9999) : '';
    if (call.state === 'Connected') renderControls();
  }

  async function renderDevices() {
    const [cams, mics, outs] = await Promise.all([deviceManager.getCameras(), deviceManager.getMicrophones(), deviceManager.getSpeakers()]);
    const select = (label, list, selected, onchange) => el('label', {}, label, el('select', { onchange: (e) => act(() => onchange(list[e.target.selectedIndex])) },
      ...list.map((d) => el('option', { selected: selected && d.id === selected.id }, d.name || d.id))));
    const rows = [el('h3', {}, 'Devices')];
    if (cams.length) rows.push(select('Camera', cams, localCamera?.source, (cam) => localCamera?.switchSource(cam)));
    if (mics.length) rows.push(select('Microphone', mics, deviceManager.selectedMicrophone, (m) => deviceManager.selectMicrophone(m)));
    if (outs.length && deviceManager.isSpeakerSelectionAvailable) rows.push(select('Speaker', outs, deviceManager.selectedSpeaker, (s) => deviceManager.selectSpeaker(s)));
    devicesPanel.replaceChildren(...rows);
  }

  // ---------------------------------------------------------------- state
  function renderState() {
    const s = call.state;
    waiting.hidden = s !== 'InLobby';
    root.querySelector('.meeting').dataset.state = s;
    status.textContent = { Connecting: 'Joining…', InLobby: 'In the lobby', Connected: 'In the meeting', Disconnecting: 'Leaving…', Disconnected: 'The meeting has ended for you' }[s] ?? s;
    if (call.info?.subject) root.querySelector('.subject').textContent = call.info.subject;
    if (s === 'Connected') { renderControls(); renderPeople(); renderLobby(); renderSelf(); }
    if (s === 'Disconnected') {
      controls.replaceChildren();
      for (const p of [...tiles.keys()]) dropTile({ participantId: p });
      onEnded?.(call.callEndReason);
    }
  }

  call.on('stateChanged', renderState);
  call.on('error', (e) => show(e.message));
  call.on('remoteParticipantsUpdated', ({ added, removed }) => {
    added.forEach(tileFor);
    removed.forEach(dropTile);
    renderPeople();
    renderBreakout();
  });
  call.on('isMutedChanged', () => { renderControls(); renderSelf(); renderPeople(); });
  call.on('isLocalVideoStartedChanged', () => { renderControls(); renderSelf(); });
  call.on('isScreenSharingOnChanged', renderControls);
  call.on('roleChanged', renderPeople);
  call.on('mutedByOthers', () => show('Someone in the meeting muted you. Unmute when you want to speak.'));
  caps.on('capabilitiesChanged', () => { if (call.state === 'Connected') { renderControls(); renderLobby(); renderPeople(); } });
  hands.on('raisedHandEvent', () => { renderPeople(); renderControls(); });
  hands.on('loweredHandEvent', () => { renderPeople(); renderControls(); });
  call.lobby.on('lobbyParticipantsUpdated', renderLobby);
  together.on('togetherModeSeatingUpdated', renderTogether);
  together.on('isActiveChanged', renderTogether);
  rooms.on('breakoutRoomsUpdated', ({ type, data }) => {
    if (type === 'join') show(`You are in breakout room ${data?.name ?? ''}. Chat and the roster stay with the whole meeting.`);
    if (type === 'leave') show('You are back in the main meeting.');
    renderBreakout();
  });
  chat.on('chatMessageReceived', renderChat);
  chat.on('chatMessageEdited', renderChat);
  chat.on('chatMessageDeleted', renderChat);
  chat.on('typingIndicatorReceived', ({ sender, senderDisplayName }) => {
    const key = sender?.rawId ?? senderDisplayName;
    clearTimeout(typing.get(key)?.timer);
    typing.set(key, { name: senderDisplayName, timer: setTimeout(() => { typing.delete(key); renderTyping(); }, 9000) });
    renderTyping();
  });
  speakers.on('dominantSpeakersChanged', () => {
    const [top] = speakers.dominantSpeakers.speakersList;
    const active = new Set(top ? participantIdsOf(top) : []);
    for (const [id, t] of tiles) t.tile.classList.toggle('active-speaker', active.has(id));
  });
  reactions.on('reaction', ({ identifier, reactionMessage }) => {
    const bubble = el('span', { class: 'bubble' }, `${REACTIONS[reactionMessage.reactionType] ?? ''} from ${nameByIdentifier(identifier)}`);
    floating.append(bubble);
    setTimeout(() => bubble.remove(), 4000);
  });
  call.remoteParticipants.forEach(tileFor);
  renderChat();
  renderState();
  return { show };
}
