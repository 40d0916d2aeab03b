// SPDX-License-Identifier: Apache-2.0
/**
 * Call features, reached with `call.feature(Features.X)`. Each is created once per call.
 * The server decides what is allowed; `Features.Capabilities` tells the UI in advance.
 * @module features
 */
import { Emitter } from './emitter.js';
import { LocalError } from './errors.js';
import { REACTIONS } from './protocol.js';

export const Features = Object.freeze({
  Capabilities: 'Capabilities',
  RaiseHand: 'RaiseHand',
  Reaction: 'Reaction',
  /** Porta alias of Reaction. */
  Reactions: 'Reaction',
  Recording: 'Recording',
  Transcription: 'Transcription',
  DominantSpeakers: 'DominantSpeakers',
  TogetherMode: 'TogetherMode',
  BreakoutRooms: 'BreakoutRooms',
  /** Porta extension: meeting chat over the call's connection (ACS uses a separate ChatClient). */
  Chat: 'Chat',
});

/**
 * Porta capability names (protocol §7) → ACS capability names. A Porta name may feed several.
 */
export const CAPABILITY_NAMES = Object.freeze({
  audio: ['unmuteMic'],
  video: ['turnVideoOn'],
  screenShare: ['shareScreen'],
  chat: ['chat'],
  reactions: ['useReactions'],
  raiseHand: ['raiseHand'],
  togetherMode: ['startTogetherMode'],
  breakoutRooms: ['manageBreakoutRooms'],
  admitFromLobby: ['manageLobby'],
  manageParticipants: ['removeParticipant', 'muteOthers', 'lowerHandsOfOthers'],
  endMeeting: ['hangUpForEveryOne'],
  manageRecording: ['manageRecording'],
});

/**
 * Turns the server's capability list into ACS-style `{ name: { isPresent, reason } }`.
 * @param {string[]} portaCapabilities
 */
export function capabilitiesOf(portaCapabilities) {
  const allowed = new Set(portaCapabilities);
  const result = {};
  for (const [porta, names] of Object.entries(CAPABILITY_NAMES)) {
    for (const name of names) {
      const isPresent = allowed.has(porta) || result[name]?.isPresent === true;
      result[name] = Object.freeze({ isPresent, reason: isPresent ? 'Capable' : 'NotCapable' });
    }
  }
  return Object.freeze(result);
}

/**
 * @typedef {object} FeatureContext internal: what a feature needs from its call
 * @property {(type: string, fields?: object) => Promise<any>} request
 * @property {(participantId: string) => any} identifierOf
 * @property {(identifier: object | string) => string[]} participantIdsOf the participants an identifier names
 * @property {() => string | null} selfId
 */

/** What the local participant may do now. Event: `capabilitiesChanged` ({ oldValue, newValue, reason }). */
export class CapabilitiesFeature extends Emitter {
  #porta = [];
  #capabilities = capabilitiesOf([]);
  /** ACS-style map, e.g. `capabilities.shareScreen.isPresent`. */
  get capabilities() { return this.#capabilities; }
  /** Porta: the server's capability names (protocol §7), e.g. `['audio', 'video', 'chat']`. */
  get portaCapabilities() { return [...this.#porta]; }
  /** Porta: whether one Porta capability is allowed. */
  isAllowed(name) { return this.#porta.includes(name); }

  /** @internal */
  _set(list) {
    const next = [...new Set(list)].sort();
    if (next.length === this.#porta.length && next.every((x, i) => x === this.#porta[i])) return;
    const oldCaps = this.#capabilities;
    this.#porta = next;
    this.#capabilities = capabilitiesOf(next);
    const oldValue = {};
    const newValue = {};
    for (const name of Object.keys(this.#capabilities)) {
      if (oldCaps[name].isPresent !== this.#capabilities[name].isPresent) {
        oldValue[name] = oldCaps[name];
        newValue[name] = this.#capabilities[name];
      }
    }
    this._emit('capabilitiesChanged', { oldValue, newValue, reason: 'RoleChanged' });
  }
}

/** Raise hand. Events: `raisedHandEvent`, `loweredHandEvent` ({ identifier }). */
export class RaiseHandFeature extends Emitter {
  #ctx;
  /** @type {Map<string, number>} participantId → order */
  #raised = new Map();
  #nextOrder = 1;
  /** @internal @param {FeatureContext} ctx */
  constructor(ctx) { super(); this.#ctx = ctx; }

  raiseHand() { return this.#ctx.request('raiseHand').then(() => {}); }
  lowerHand() { return this.#ctx.request('lowerHand').then(() => {}); }
  /** Lowers other people's hands (organizers and presenters). */
  async lowerHands(identifiers) {
    for (const identifier of identifiers) {
      const participantIds = this.#ctx.participantIdsOf(identifier);
      if (participantIds.length === 0) throw LocalError.invalidArgument('lowerHands needs identifiers of remote participants');
      for (const participantId of participantIds) await this.#ctx.request('lowerHand', { participantId });
    }
  }
  /** Lowers every raised hand (one request per hand). */
  async lowerAllHands() {
    const self = this.#ctx.selfId();
    for (const participantId of [...this.#raised.keys()]) {
      await this.#ctx.request('lowerHand', participantId === self ? {} : { participantId });
    }
  }
  /** @returns {{identifier: object, order: number}[]} in the order hands went up */
  getRaisedHands() {
    return [...this.#raised].sort((a, b) => a[1] - b[1]).map(([id, order]) => ({ identifier: this.#ctx.identifierOf(id), order }));
  }

  /** @internal */
  _set(participantId, raised) {
    if (raised === this.#raised.has(participantId)) return;
    if (raised) this.#raised.set(participantId, this.#nextOrder++);
    else this.#raised.delete(participantId);
    this._emit(raised ? 'raisedHandEvent' : 'loweredHandEvent', { identifier: this.#ctx.identifierOf(participantId) });
  }
}

/** Reactions. Event: `reaction` ({ identifier, reactionMessage: { reactionType }, receivedOn }). */
export class ReactionFeature extends Emitter {
  #ctx;
  /** @internal @param {FeatureContext} ctx */
  constructor(ctx) { super(); this.#ctx = ctx; }
  /** @param {{reactionType: 'like'|'heart'|'applause'|'laugh'|'surprised'}} reactionMessage */
  async sendReaction(reactionMessage) {
    const reaction = String(reactionMessage?.reactionType ?? '').toLowerCase();
    if (!REACTIONS.includes(reaction)) throw LocalError.invalidArgument(`The reaction must be one of ${REACTIONS.join(', ')}`);
    await this.#ctx.request('reaction', { reaction });
  }
  /** @internal */
  _received(frame) {
    this._emit('reaction', {
      identifier: this.#ctx.identifierOf(frame.participantId),
      reactionMessage: { reactionType: frame.reaction },
      receivedOn: frame.at ? new Date(frame.at) : new Date(),
    });
  }
}

function activeFeature(kind, property) {
  return class extends Emitter {
    #ctx;
    #active = false;
    /** @internal @param {FeatureContext} ctx */
    constructor(ctx) { super(); this.#ctx = ctx; }
    get [property]() { return this.#active; }
    /** Porta: starts it (organizers and presenters with `manageRecording`). */
    start() { return this.#ctx.request('recording', { kind, active: true }).then(() => {}); }
    /** Porta: stops it. */
    stop() { return this.#ctx.request('recording', { kind, active: false }).then(() => {}); }
    /** @internal */
    _set(active) {
      if (active === this.#active) return;
      this.#active = active;
      this._emit(`${property}Changed`, {});
    }
  };
}

/**
 * Recording notice. `isRecordingActive`; event `isRecordingActiveChanged`. With the meeting's explicit
 * recording consent on, `isTeamsConsentRequired` is true while recording or transcription runs and this
 * participant has not consented: until then the server leaves their audio and video out of the recording.
 * `grantTeamsConsent()` gives consent (for recording and transcription, for this participation); event
 * `isTeamsConsentRequiredChanged`. Porta: organizers get `recordingFailed` ({ reason }) when the recorder fails.
 */
export class RecordingFeature extends activeFeature('recording', 'isRecordingActive') {
  #ctx;
  #consentRequired = false;
  /** @internal @param {FeatureContext} ctx */
  constructor(ctx) { super(ctx); this.#ctx = ctx; }
  get isTeamsConsentRequired() { return this.#consentRequired; }
  /** Consents to being recorded and transcribed in this call; resolves once the server let this participant's media in. */
  grantTeamsConsent() { return this.#ctx.request('recordingConsent', {}).then(() => {}); }
  /** @internal Porta: the recorder failed (to organizers only); event `recordingFailed` ({ reason }). */
  _failed(reason) { this._emit('recordingFailed', { reason }); }
  /** @internal */
  _setConsentRequired(required) {
    if (required === this.#consentRequired) return;
    this.#consentRequired = required;
    this._emit('isTeamsConsentRequiredChanged', {});
  }
}
/** Transcription notice. `isTranscriptionActive`; event `isTranscriptionActiveChanged`. */
export class TranscriptionFeature extends activeFeature('transcription', 'isTranscriptionActive') {}

/** The dominant speaker. Event `dominantSpeakersChanged`. */
export class DominantSpeakersFeature extends Emitter {
  #ctx;
  #info = { speakersList: [], timestamp: new Date(0) };
  /** @internal @param {FeatureContext} ctx */
  constructor(ctx) { super(); this.#ctx = ctx; }
  /** @returns {{speakersList: object[], timestamp: Date}} */
  get dominantSpeakers() { return { speakersList: [...this.#info.speakersList], timestamp: this.#info.timestamp }; }
  /** @internal */
  _set(participantId) {
    this.#info = { speakersList: participantId ? [this.#ctx.identifierOf(participantId)] : [], timestamp: new Date() };
    this._emit('dominantSpeakersChanged', {});
  }
}

/** Together mode. Events: `isActiveChanged`, `togetherModeSeatingUpdated` ({ seats }). */
export class TogetherModeFeature extends Emitter {
  #ctx;
  #active = false;
  #seats = [];
  /** @internal @param {FeatureContext} ctx */
  constructor(ctx) { super(); this.#ctx = ctx; }
  get isActive() { return this.#active; }
  /** @returns {{identifier: object, row: number, column: number}[]} */
  get seatingMap() { return this.#seats.map((s) => ({ identifier: this.#ctx.identifierOf(s.participantId), row: s.row, column: s.column })); }
  start() { return this.#ctx.request('togetherMode', { active: true }).then(() => {}); }
  stop() { return this.#ctx.request('togetherMode', { active: false }).then(() => {}); }
  /** @internal */
  _set(frame) {
    const wasActive = this.#active;
    this.#active = frame.active;
    this.#seats = Array.isArray(frame.seats) ? frame.seats.filter((s) => typeof s?.participantId === 'string') : [];
    if (wasActive !== this.#active) this._emit('isActiveChanged', {});
    this._emit('togetherModeSeatingUpdated', { seats: this.seatingMap });
  }
}

/**
 * Breakout rooms. Organizers manage rooms; everyone learns where they are.
 * Event: `breakoutRoomsUpdated` ({ type: 'breakoutRooms' | 'join' | 'leave', data }).
 */
export class BreakoutRoomsFeature extends Emitter {
  #ctx;
  #rooms = [];
  #assigned = undefined;
  /** @internal @param {FeatureContext} ctx */
  constructor(ctx) { super(); this.#ctx = ctx; }
  /** The organizer's view of all rooms: `{ roomId, name, open, participantIds }`. */
  get breakoutRooms() { return this.#rooms.map((r) => ({ ...r, participantIds: [...(r.participantIds ?? [])] })); }
  /** The room your media is in, or undefined in the main meeting. */
  get assignedBreakoutRoom() { return this.#assigned ? { ...this.#assigned } : undefined; }
  /** @param {string[]} names */
  createRooms(names) { return this.#ctx.request('breakoutCreate', { rooms: [...names] }).then(() => {}); }
  /** @param {string} roomId @param {(object|string)[]} identifiers */
  assign(roomId, identifiers) {
    const resolved = identifiers.map((i) => this.#ctx.participantIdsOf(i));
    if (resolved.some((ids) => ids.length === 0)) return Promise.reject(LocalError.invalidArgument('assign needs identifiers of remote participants'));
    const participantIds = [...new Set(resolved.flat())];
    return this.#ctx.request('breakoutAssign', { roomId, participantIds }).then(() => {});
  }
  open() { return this.#ctx.request('breakoutOpen').then(() => {}); }
  close() { return this.#ctx.request('breakoutClose').then(() => {}); }
  /** @internal */
  _rooms(rooms) {
    this.#rooms = rooms.filter((r) => r && typeof r.roomId === 'string');
    this._emit('breakoutRoomsUpdated', { type: 'breakoutRooms', data: this.breakoutRooms });
  }
  /** @internal */
  _joined(frame) {
    this.#assigned = { roomId: frame.roomId, name: frame.name ?? '' };
    this._emit('breakoutRoomsUpdated', { type: 'join', data: this.assignedBreakoutRoom });
  }
  /** @internal */
  _left() {
    this.#assigned = undefined;
    this._emit('breakoutRoomsUpdated', { type: 'leave', data: undefined });
  }
}

/**
 * Porta extension: meeting chat. `messages` holds the history (oldest first, bounded);
 * events `chatMessageReceived` ({ message }), and for changes made through the Chat API
 * `chatMessageEdited` ({ message }, with `editedOn`) and `chatMessageDeleted` ({ messageId }), and
 * `typingIndicatorReceived` ({ sender, senderDisplayName, receivedOn }, the shape of the ACS chat SDK's
 * event) when another participant sends a typing notification through the Chat API (the server relays
 * at most one per sender every 8 s).
 */
export class ChatFeature extends Emitter {
  #ctx;
  #messages = [];
  #max;
  /** @internal @param {FeatureContext} ctx */
  constructor(ctx, max = 500) { super(); this.#ctx = ctx; this.#max = max; }
  /** @returns {{messageId: string, sender: object, senderDisplayName: string, isSenderGuest: boolean, content: string, createdOn: Date}[]} */
  get messages() { return [...this.#messages]; }
  /** @param {string} text 1–4000 characters */
  async sendMessage(text) {
    const trimmed = typeof text === 'string' ? text.trim() : '';
    if (trimmed.length < 1 || trimmed.length > 4000) throw LocalError.invalidArgument('A chat message must be 1 to 4000 characters');
    await this.#ctx.request('chat', { text: trimmed });
  }
  /**
   * @internal History arrives in pages (`more: true` until the last) and, after a resume, as what was
   * missed; each adds to what the call already holds, duplicates dropped by message id, so neither a
   * second page nor a resume wipes the earlier messages.
   */
  _history(messages) {
    for (const m of messages) this.#add(m, false);
  }
  /** @internal */
  _received(m) { this.#add(m, true); }
  /** @internal A message's text changed (edited through the ACS Chat API); unknown ids are ignored. */
  _edited(m) {
    const i = this.#messages.findIndex((x) => x.messageId === m.messageId);
    if (i < 0) return;
    const message = Object.freeze({ ...this.#messages[i], content: String(m.text), editedOn: new Date(m.editedAt) });
    this.#messages[i] = message;
    this._emit('chatMessageEdited', { message });
  }
  /** @internal Another participant is typing (a typing notification sent through the ACS Chat API). */
  _typing(m) {
    this._emit('typingIndicatorReceived', Object.freeze({
      sender: this.#ctx.identifierOf(m.senderId),
      senderDisplayName: String(m.senderName ?? ''),
      receivedOn: new Date(m.receivedOn),
    }));
  }
  /** @internal A message was deleted (through the ACS Chat API); unknown ids are ignored. */
  _deleted(m) {
    const i = this.#messages.findIndex((x) => x.messageId === m.messageId);
    if (i < 0) return;
    this.#messages.splice(i, 1);
    this._emit('chatMessageDeleted', { messageId: m.messageId });
  }
  #add(m, announce) {
    if (!m || typeof m.messageId !== 'string' || this.#messages.some((x) => x.messageId === m.messageId)) return;
    const message = Object.freeze({
      messageId: m.messageId,
      sender: this.#ctx.identifierOf(m.senderId),
      senderDisplayName: String(m.senderName ?? ''),
      isSenderGuest: m.senderKind === 'guest',
      content: String(m.text ?? ''),
      createdOn: new Date(m.sentAt),
    });
    this.#messages.push(message);
    if (this.#messages.length > this.#max) this.#messages.shift();
    if (announce) this._emit('chatMessageReceived', { message });
  }
}
