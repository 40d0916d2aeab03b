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
import { errorText, t as tx, translate } from './i18n.js';

// Words, not emoji: they read out well and render on machines without a colour emoji font.
const REACTIONS = ['like', 'heart', 'applause', 'laugh', 'surprised'];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  if (Object.keys(attrs).some((k) => k.startsWith('data-i18n'))) translate(e);
  return e;
}

/** "Ada (Guest)" for guests: people must be able to tell who is from outside. */
export function nameOf(p) {
  return p.isGuest ? tx('meeting.guestName', { name: p.displayName }) : p.displayName;
}

/** A role as people call it in the page's language (Organizer, Presenter, Attendee, ...). */
function roleName(role) {
  return ['Organizer', 'Presenter', 'Attendee', 'Consumer', 'Unknown'].includes(role) ? tx(`role.${role}`) : String(role ?? '');
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
    el('h3', { 'data-i18n': 'meeting.lobby' }), lobbyList,
    el('button', { class: 'admit-all', 'data-i18n': 'meeting.admitAll', onclick: () => act(() => call.lobby.admitAll()) }));
  const chatLog = el('ol', { class: 'chat-log' });
  const chatInput = el('input', { class: 'chat-input', 'data-i18n-aria-label': 'meeting.message', maxlength: 4000, 'data-i18n-placeholder': 'meeting.typeMessage' });
  const chatForm = el('form', { class: 'chat-form', onsubmit: (e) => {
    e.preventDefault();
    const text = chatInput.value;
    act(async () => { await chat.sendMessage(text); chatInput.value = ''; });
  } }, chatInput, el('button', { 'data-i18n': 'meeting.send' }));
  // "… is typing" for a while after each typing notification (ACS clients repeat theirs every 8 s while typing)
  const typingLine = el('p', { class: 'typing', 'aria-live': 'polite' });
  const typing = new Map();
  const chatPanel = el('section', { class: 'panel chat-panel', hidden: true }, el('h3', { 'data-i18n': 'meeting.chat' }), chatLog, typingLine, chatForm);
  const peoplePanel = el('section', { class: 'panel people-panel' }, el('h3', { 'data-i18n': 'meeting.people' }), people);
  const devicesPanel = el('section', { class: 'panel devices-panel', hidden: true }, el('h3', { 'data-i18n': 'meeting.devices' }));
  const breakoutPanel = el('section', { class: 'panel breakout-panel', hidden: true });
  const rooms = call.feature(Features.BreakoutRooms);
  const together = call.feature(Features.TogetherMode);
  const waiting = el('div', { class: 'waiting', hidden: true },
    el('h2', { 'data-i18n': 'meeting.waitingTitle' }),
    el('p', { 'data-i18n': 'meeting.waitingText' }));
  const floating = el('div', { class: 'floating-reactions', 'aria-live': 'polite' });

  root.replaceChildren(el('section', { class: 'meeting' },
    el('header', { class: 'meeting-header' }, el('h2', { class: 'subject' }, title ?? tx('meeting.title')), status),
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
      show(errorText(e));
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
        ...(p.isGuest ? [el('span', { class: 'badge guest-badge' }, tx('meeting.guest'))] : []), ...badges(p.isMuted, p.isHandRaised));
      tile.classList.toggle('speaking', p.isSpeaking);
    };
    refresh();
    t.refresh = refresh;
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
              el('span', { class: 'label' }, tx('meeting.isSharing', { name: nameOf(p) })));
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
    return [muted ? el('span', { class: 'badge' }, tx('meeting.muted')) : null, handRaised ? el('span', { class: 'badge hand-badge' }, tx('meeting.handRaised')) : null]
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
      selfTile = el('div', { class: 'tile self', 'data-label': 'self' }, el('div', { class: 'video' }), el('span', { class: 'label' }, tx('meeting.you')));
      grid.prepend(selfTile);
    }
    const box = selfTile.querySelector('.video');
    box.replaceChildren();
    if (localCamera && call.isLocalVideoStarted) {
      const view = await new VideoStreamRenderer(localCamera).createView({ isMirrored: true });
      box.append(view.target);
    }
    selfTile.querySelector('.label').replaceChildren(tx('meeting.you'), ...badges(call.isMuted, false));
  }

  // ---------------------------------------------------------------- roster and lobby
  function renderPeople() {
    const rows = [el('li', { class: 'me' }, tx('meeting.youWithRole', { role: roleName(call.role) }), ...badges(call.isMuted, myHandIsUp()))];
    for (const p of call.remoteParticipants) {
      const row = el('li', { 'data-participant': p.participantId, 'data-identity': p.identifier.rawId, class: p.isGuest ? 'guest' : 'member' },
        el('span', { class: 'name' }, nameOf(p)),
        el('span', { class: 'role' }, roleName(p.role)),
        ...badges(p.isMuted, p.isHandRaised));
      if (caps.isAllowed('manageParticipants') && p.role !== 'Organizer') {
        row.append(el('button', { class: 'small', onclick: () => act(() => p.mute()) }, tx('meeting.mute')),
          el('button', { class: 'small', onclick: () => act(() => call.removeParticipant(p.identifier)) }, tx('meeting.remove')));
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
      el('button', { class: 'admit', onclick: () => act(() => call.lobby.admit(p.identifier)) }, tx('meeting.admit')),
      el('button', { class: 'deny', onclick: () => act(() => call.lobby.reject(p.identifier)) }, tx('meeting.deny')))));
  }

  // ---------------------------------------------------------------- chat and reactions
  function renderTyping() {
    const names = [...typing.values()].map((t) => t.name);
    typingLine.textContent = names.length === 0 ? '' : tx(names.length === 1 ? 'meeting.typingOne' : 'meeting.typingMany', { names: names.join(', ') });
  }

  function renderChat() {
    chatLog.replaceChildren(...chat.messages.map((m) => el('li', {},
      el('b', {}, (m.isSenderGuest ? tx('meeting.guestName', { name: m.senderDisplayName }) : m.senderDisplayName) + ': '), m.content)));
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
    if (isMe(identifier)) return tx('meeting.you');
    const p = call.remoteParticipants.find((x) => x.identifier.rawId === identifier?.rawId);
    return p ? nameOf(p) : tx('meeting.someone');
  }

  /** The participant ids (tiles) of everyone an identifier names. */
  function participantIdsOf(identifier) {
    return call.remoteParticipants.filter((x) => x.identifier.rawId === identifier?.rawId).map((x) => x.participantId);
  }

  // ---------------------------------------------------------------- controls
  function button(cls, key, onclick) {
    return el('button', { class: cls, type: 'button', onclick }, tx(key));
  }

  function renderControls() {
    const items = [];
    if (caps.isAllowed('audio')) {
      items.push(button('mute', call.isMuted ? 'meeting.unmute' : 'meeting.mute', () => act(() => (call.isMuted ? call.unmute() : call.mute()))));
    }
    if (caps.isAllowed('video')) {
      items.push(button('camera', call.isLocalVideoStarted ? 'meeting.stopCamera' : 'meeting.startCamera', () => act(async () => {
        if (call.isLocalVideoStarted) {
          await call.stopVideo(call.localVideoStreams.find((s) => s.mediaStreamType === 'Video'));
        } else {
          const [cam] = await deviceManager.getCameras();
          if (!cam) throw new Error(tx('meeting.noCamera'));
          localCamera = new LocalVideoStream(cam);
          await call.startVideo(localCamera);
        }
      })));
    }
    if (caps.isAllowed('screenShare')) {
      // startScreenSharing runs inside the click itself (Safari shows the picker only then)
      items.push(button('share', call.isScreenSharingOn ? 'meeting.stopSharing' : 'meeting.shareScreen', () => {
        show('');
        (call.isScreenSharingOn ? call.stopScreenSharing() : call.startScreenSharing()).catch((e) => show(errorText(e)));
      }));
    }
    if (caps.isAllowed('raiseHand')) {
      const up = myHandIsUp();
      items.push(button('hand', up ? 'meeting.lowerHand' : 'meeting.raiseHand', () => act(() => (up ? hands.lowerHand() : hands.raiseHand()))));
    }
    if (caps.isAllowed('reactions')) {
      items.push(el('span', { class: 'reactions' }, ...REACTIONS.map((type) =>
        el('button', { class: 'reaction', type: 'button', 'data-reaction': type, 'data-i18n-aria-label': `reaction.${type}.name`, 'data-i18n-title': `reaction.${type}.name`,
          'data-i18n': `reaction.${type}`, onclick: () => act(() => reactions.sendReaction({ reactionType: type })) }))));
    }
    if (caps.isAllowed('chat')) items.push(button('toggle-chat', 'meeting.chat', () => { chatPanel.hidden = !chatPanel.hidden; }));
    items.push(button('toggle-people', 'meeting.people', () => { peoplePanel.hidden = !peoplePanel.hidden; }));
    items.push(button('toggle-devices', 'meeting.devices', () => { devicesPanel.hidden = !devicesPanel.hidden; if (!devicesPanel.hidden) renderDevices(); }));
    if (caps.isAllowed('togetherMode')) {
      items.push(button('together', together.isActive ? 'meeting.endTogether' : 'meeting.together',
        () => act(() => (together.isActive ? together.stop() : together.start()))));
    }
    if (caps.isAllowed('breakoutRooms')) {
      items.push(button('breakout', 'meeting.breakoutRooms', () => { breakoutPanel.hidden = !breakoutPanel.hidden; renderBreakout(); }));
    }
    items.push(button('leave danger', 'meeting.leave', () => act(() => call.hangUp())));
    if (caps.isAllowed('endMeeting')) {
      items.push(button('end danger', 'meeting.endForEveryone', () => act(() => call.hangUp({ forEveryone: true }))));
    }
    controls.replaceChildren(...items);
    chatPanel.hidden = chatPanel.hidden || !caps.isAllowed('chat');
  }

  // Organizer: create rooms, assign people, open and close them. Media moves; roster and chat stay.
  function renderBreakout() {
    if (breakoutPanel.hidden) return;
    const list = rooms.breakoutRooms;
    const rows = [el('h3', {}, tx('meeting.breakoutRooms'))];
    if (list.length === 0) {
      rows.push(button('create-rooms', 'meeting.createRooms', () => act(() => rooms.createRooms([tx('meeting.roomName', { n: 1 }), tx('meeting.roomName', { n: 2 })]))));
    } else {
      for (const p of call.remoteParticipants) {
        const current = list.find((r) => r.participantIds.includes(p.participantId));
        rows.push(el('label', {}, nameOf(p), el('select', {
          onchange: (e) => act(() => rooms.assign(e.target.value, [p.identifier])),
        }, el('option', { value: '', disabled: true, selected: !current }, tx('meeting.chooseRoom')),
        ...list.map((r) => el('option', { value: r.roomId, selected: current?.roomId === r.roomId }, r.name)))));
      }
      const open = list.some((r) => r.open);
      rows.push(button('rooms-toggle', open ? 'meeting.closeRooms' : 'meeting.openRooms', () => act(() => (open ? rooms.close() : rooms.open()))));
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
    const rows = [el('h3', {}, tx('meeting.devices'))];
    if (cams.length) rows.push(select(tx('meeting.camera'), cams, localCamera?.source, (cam) => localCamera?.switchSource(cam)));
    if (mics.length) rows.push(select(tx('meeting.microphone'), mics, deviceManager.selectedMicrophone, (m) => deviceManager.selectMicrophone(m)));
    if (outs.length && deviceManager.isSpeakerSelectionAvailable) rows.push(select(tx('meeting.speaker'), outs, deviceManager.selectedSpeaker, (s) => deviceManager.selectSpeaker(s)));
    devicesPanel.replaceChildren(...rows);
  }

  // ---------------------------------------------------------------- state
  function renderState() {
    const s = call.state;
    waiting.hidden = s !== 'InLobby';
    root.querySelector('.meeting').dataset.state = s;
    status.textContent = ['Connecting', 'InLobby', 'Connected', 'Disconnecting', 'Disconnected'].includes(s) ? tx(`state.${s}`) : s;
    if (call.info?.subject) root.querySelector('.subject').textContent = call.info.subject;
    if (s === 'Connected') { renderControls(); renderPeople(); renderLobby(); renderSelf(); }
    if (s === 'Disconnected') {
      controls.replaceChildren();
      for (const p of [...tiles.keys()]) dropTile({ participantId: p });
      onEnded?.(call.callEndReason);
    }
  }

  call.on('stateChanged', renderState);
  call.on('error', (e) => show(errorText(e)));
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
  call.on('mutedByOthers', () => show(tx('meeting.mutedByOthers')));
  caps.on('capabilitiesChanged', () => { if (call.state === 'Connected') { renderControls(); renderLobby(); renderPeople(); } });
  hands.on('raisedHandEvent', () => { renderPeople(); renderControls(); });
  hands.on('loweredHandEvent', () => { renderPeople(); renderControls(); });
  call.lobby.on('lobbyParticipantsUpdated', renderLobby);
  together.on('togetherModeSeatingUpdated', renderTogether);
  together.on('isActiveChanged', renderTogether);
  rooms.on('breakoutRoomsUpdated', ({ type, data }) => {
    if (type === 'join') show(tx('meeting.inBreakout', { room: data?.name ?? '' }));
    if (type === 'leave') show(tx('meeting.backInMain'));
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
    const type = REACTIONS.includes(reactionMessage.reactionType) ? reactionMessage.reactionType : null;
    const bubble = el('span', { class: 'bubble' }, tx('meeting.reactionFrom', { reaction: type ? tx(`reaction.${type}`) : '', name: nameByIdentifier(identifier) }));
    floating.append(bubble);
    setTimeout(() => bubble.remove(), 4000);
  });
  // Another language chosen during the call: everything drawn here is drawn again in it.
  const relabel = () => {
    if (!root.isConnected) { removeEventListener('porta-languagechange', relabel); return; }
    translate(root);
    if (!call.info?.subject && !title) root.querySelector('.subject').textContent = tx('meeting.title');
    if (call.state !== 'Disconnected') renderState();
    renderChat();
    renderTyping();
    for (const t of tiles.values()) t.refresh?.();
  };
  addEventListener('porta-languagechange', relabel);
  call.remoteParticipants.forEach(tileFor);
  renderChat();
  renderState();
  return { show };
}
