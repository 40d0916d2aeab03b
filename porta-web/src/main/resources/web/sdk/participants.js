// SPDX-License-Identifier: Apache-2.0
/**
 * `RemoteParticipant`, identifiers and roles.
 * @module participants
 */
import { Emitter } from './emitter.js';
import { MediaStreamType, RemoteVideoStream } from './streams.js';

/**
 * The identifier of a participant, shaped like ACS's CommunicationIdentifier. Porta's protocol names
 * participants by a meeting-scoped participant id, so `rawId` (and communicationUserId /
 * microsoftTeamsUserId) hold that id: guests are `communicationUser`, members `microsoftTeamsUser`.
 * @param {string} participantId
 * @param {'member'|'guest'} kind
 */
export function identifierOf(participantId, kind) {
  return Object.freeze(kind === 'member'
    ? { kind: 'microsoftTeamsUser', microsoftTeamsUserId: participantId, rawId: participantId, isAnonymous: false }
    : { kind: 'communicationUser', communicationUserId: participantId, rawId: participantId });
}

/**
 * Accepts an identifier object, or a raw id string, and returns the participant id.
 * @returns {string | null}
 */
export function participantIdOf(identifier) {
  if (typeof identifier === 'string') return identifier;
  if (!identifier || typeof identifier !== 'object') return null;
  return identifier.rawId ?? identifier.communicationUserId ?? identifier.microsoftTeamsUserId ?? identifier.id ?? null;
}

/** Protocol role → ACS ParticipantRole string. */
export function roleOf(protocolRole) {
  switch (protocolRole) {
    case 'organizer': return 'Organizer';
    case 'presenter': return 'Presenter';
    case 'attendee': return 'Attendee';
    default: return 'Unknown';
  }
}

/**
 * A participant in the meeting other than you (or a person waiting in the lobby).
 * Events: `stateChanged`, `isMutedChanged`, `isSpeakingChanged`, `displayNameChanged`, `roleChanged`,
 * `videoStreamsUpdated` ({ added, removed }), and Porta's `isHandRaisedChanged`.
 */
export class RemoteParticipant extends Emitter {
  #id;
  #identifier;
  #kind;
  #displayName;
  #state;
  #role = 'Unknown';
  #isMuted = true;
  #isSpeaking = false;
  #isHandRaised = false;
  #breakoutRoomId = undefined;
  /** @type {Map<string, RemoteVideoStream>} by mediaStreamType */
  #videoStreams = new Map();
  #callEndReason = undefined;
  #muteAction;

  /**
   * @internal
   * @param {{id: string, kind: 'member'|'guest', displayName: string}} entry
   * @param {string} state
   * @param {(participantId: string) => Promise<void>} muteAction
   */
  constructor(entry, state, muteAction) {
    super();
    this.#id = entry.id;
    this.#kind = entry.kind;
    this.#identifier = identifierOf(entry.id, entry.kind);
    this.#displayName = entry.displayName;
    this.#state = state;
    this.#muteAction = muteAction;
  }

  get identifier() { return this.#identifier; }
  get displayName() { return this.#displayName; }
  /** `Connected`, `Reconnecting` (its connection dropped; it may come back), `InLobby` or `Disconnected`. */
  get state() { return this.#state; }
  get role() { return this.#role; }
  get isMuted() { return this.#isMuted; }
  get isSpeaking() { return this.#isSpeaking; }
  /** @returns {RemoteVideoStream[]} */
  get videoStreams() { return [...this.#videoStreams.values()]; }
  get callEndReason() { return this.#callEndReason; }
  /** Porta: `true` for an external (guest) participant; UIs must mark guests. */
  get isGuest() { return this.#kind === 'guest'; }
  /** Porta: the meeting-scoped participant id (same as identifier.rawId). */
  get participantId() { return this.#id; }
  /** Porta: whether the participant's hand is raised. */
  get isHandRaised() { return this.#isHandRaised; }
  /** Porta: the open breakout room the participant is in, if any. */
  get breakoutRoomId() { return this.#breakoutRoomId; }

  /** Mutes this participant for everyone (organizers and presenters). */
  mute() { return this.#muteAction(this.#id); }

  /**
   * @internal applies a roster entry (§4.2)
   * @param {import('./roster.js').RosterEntry} entry
   * @param {() => number} nextStreamId
   */
  _apply(entry, nextStreamId) {
    this.#set('displayName', entry.displayName, () => { this.#displayName = entry.displayName; }, this.#displayName);
    this.#set('state', entry.state, () => { this.#state = entry.state; }, this.#state);
    const role = roleOf(entry.role);
    this.#set('role', role, () => { this.#role = role; }, this.#role);
    this.#set('isMuted', entry.muted, () => { this.#isMuted = entry.muted; }, this.#isMuted);
    this.#set('isSpeaking', entry.speaking, () => { this.#isSpeaking = entry.speaking; }, this.#isSpeaking);
    this.#set('isHandRaised', entry.handRaised, () => { this.#isHandRaised = entry.handRaised; }, this.#isHandRaised);
    this.#breakoutRoomId = entry.breakoutRoomId ?? undefined;
    const added = [];
    const removed = [];
    for (const [name, type] of [['video', MediaStreamType.Video], ['screenShare', MediaStreamType.ScreenSharing]]) {
      const on = entry.streams.includes(name);
      const existing = this.#videoStreams.get(type);
      if (on && !existing) {
        const stream = new RemoteVideoStream(nextStreamId(), type, this.#id);
        this.#videoStreams.set(type, stream);
        added.push(stream);
      } else if (!on && existing) {
        this.#videoStreams.delete(type);
        removed.push(existing);
      }
    }
    if (added.length || removed.length) this._emit('videoStreamsUpdated', { added, removed });
    for (const stream of added) stream._setAvailable(true);
    for (const stream of removed) stream._dispose();
  }

  /** @internal the stream of a source, if the roster says it is published */
  _videoStream(source) {
    return this.#videoStreams.get(source === 'screen' ? MediaStreamType.ScreenSharing : MediaStreamType.Video);
  }

  /** @internal the participant left (or was removed); `reason` is set when known */
  _disconnect(reason) {
    this.#callEndReason = reason;
    const removed = [...this.#videoStreams.values()];
    this.#videoStreams.clear();
    if (removed.length) this._emit('videoStreamsUpdated', { added: [], removed });
    for (const stream of removed) stream._dispose();
    this.#set('state', 'Disconnected', () => { this.#state = 'Disconnected'; }, this.#state);
  }

  #set(property, value, assign, current) {
    if (current === value) return;
    assign();
    this._emit(`${property}Changed`, {});
  }
}
