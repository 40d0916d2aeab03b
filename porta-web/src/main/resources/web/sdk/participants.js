// SPDX-License-Identifier: Apache-2.0
/**
 * `RemoteParticipant`, identifiers and roles.
 * @module participants
 */
import { Emitter } from './emitter.js';
import { MediaStreamType, RemoteVideoStream } from './streams.js';

/**
 * The identifier of a participant, shaped like ACS's CommunicationIdentifier and built from the
 * identity the server sends in roster and lobby entries (`rawId`, docs/calling-protocol.md §4.2):
 * guests are `{kind: 'communicationUser', communicationUserId: '8:acs:…'}` (the identity the Identity
 * API issued), members `{kind: 'microsoftTeamsUser', microsoftTeamsUserId: <member object id>,
 * cloud: 'public'}` with rawId `8:orgid:<id>`. When the meeting policy hides a guest's identity from
 * you (or the person is not known any more) it is `{kind: 'unknown', id: 'p-…'}`, the meeting-scoped
 * participant id.
 * @param {{id: string, kind?: 'member'|'guest', rawId?: string}} entry
 */
export function identifierOf(entry) {
  const rawId = typeof entry.rawId === 'string' ? entry.rawId : '';
  if (rawId.startsWith(TEAMS_PUBLIC_PREFIX)) {
    return Object.freeze({ kind: 'microsoftTeamsUser', microsoftTeamsUserId: rawId.slice(TEAMS_PUBLIC_PREFIX.length),
      isAnonymous: false, cloud: 'public', rawId });
  }
  if (rawId.startsWith('8:acs:') || rawId.startsWith('8:spool:')) {
    return Object.freeze({ kind: 'communicationUser', communicationUserId: rawId, rawId });
  }
  return Object.freeze({ kind: 'unknown', id: rawId || entry.id, rawId: rawId || entry.id });
}

const TEAMS_PUBLIC_PREFIX = '8:orgid:';
const TEAMS_CLOUD_PREFIXES = Object.freeze({ public: '8:orgid:', gcch: '8:gcch:', dod: '8:dod:' });

/**
 * The raw id of an identifier, as ACS's `getIdentifierRawId` computes it: its `rawId`, else one built
 * from its kind; a string is taken as a raw id (or a Porta participant id).
 * @param {object | string} identifier
 * @returns {string | null}
 */
export function rawIdOf(identifier) {
  if (typeof identifier === 'string') return identifier || null;
  if (!identifier || typeof identifier !== 'object') return null;
  if (typeof identifier.rawId === 'string' && identifier.rawId) return identifier.rawId;
  if (typeof identifier.communicationUserId === 'string' && identifier.communicationUserId) return identifier.communicationUserId;
  if (typeof identifier.microsoftTeamsUserId === 'string' && identifier.microsoftTeamsUserId) {
    if (identifier.isAnonymous) return `8:teamsvisitor:${identifier.microsoftTeamsUserId}`;
    return (TEAMS_CLOUD_PREFIXES[identifier.cloud ?? 'public'] ?? TEAMS_PUBLIC_PREFIX) + identifier.microsoftTeamsUserId;
  }
  if (typeof identifier.id === 'string' && identifier.id) return identifier.id;
  return null;
}

const PARTICIPANT_ID = /^p-[A-Za-z0-9_-]{1,64}$/;

/**
 * The meeting-scoped participant ids an identifier names among `participants`: those whose identity
 * (or participant id) matches. A member on several devices is several participants. An unknown
 * participant id (`p-…`) is passed on as is, so the server answers `participantNotFound`.
 * @param {object | string} identifier an ACS identifier, a RemoteParticipant's `identifier`, a raw id or a participant id
 * @param {Iterable<RemoteParticipant>} participants
 * @returns {string[]}
 */
export function participantIdsOf(identifier, participants) {
  const raw = rawIdOf(identifier);
  if (!raw) return [];
  const ids = [];
  for (const p of participants) {
    if ((p.participantId === raw || p.identifier.rawId === raw) && !ids.includes(p.participantId)) ids.push(p.participantId);
  }
  if (ids.length === 0 && PARTICIPANT_ID.test(raw)) ids.push(raw);
  return ids;
}

/**
 * Accepts an identifier object, or a raw id string, and returns the participant id, without looking
 * at the roster (only for participant ids).
 * @returns {string | null}
 */
export function participantIdOf(identifier) {
  const raw = rawIdOf(identifier);
  return raw && PARTICIPANT_ID.test(raw) ? raw : null;
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
  #external;
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
   * @param {{id: string, kind: 'member'|'guest', displayName: string, rawId?: string, external?: boolean}} entry
   * @param {string} state
   * @param {(participantId: string) => Promise<void>} muteAction
   */
  constructor(entry, state, muteAction) {
    super();
    this.#id = entry.id;
    this.#kind = entry.kind;
    this.#external = entry.external === true;
    this.#identifier = identifierOf(entry);
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
  /**
   * Porta: `true` for anyone outside the meeting's organization: a guest, or a member of another tenant
   * (like ACS's `isExternal` on Teams participants); UIs must mark them.
   */
  get isExternal() { return this.#external; }
  /** Porta: the meeting-scoped participant id (`p-…`); the identity is in `identifier`. */
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
