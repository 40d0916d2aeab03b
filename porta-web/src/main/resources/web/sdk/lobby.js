// SPDX-License-Identifier: Apache-2.0
/**
 * `call.lobby`: the people waiting to be admitted. Only admitters (the organizer, and presenters when
 * the meeting allows it) see them; for everyone else `participants` stays empty.
 * Event: `lobbyParticipantsUpdated` ({ added, removed }).
 * @module lobby
 */
import { Emitter } from './emitter.js';
import { LocalError } from './errors.js';
import { participantIdsOf, RemoteParticipant } from './participants.js';

export class Lobby extends Emitter {
  /** @type {Map<string, RemoteParticipant>} */
  #participants = new Map();
  #request;

  /** @internal @param {(type: string, fields?: object) => Promise<any>} request */
  constructor(request) {
    super();
    this.#request = request;
  }

  /** @returns {RemoteParticipant[]} in the order they arrived */
  get participants() { return [...this.#participants.values()]; }

  /**
   * Lets one person in: their ACS identifier (`8:acs:…` guest, Teams user), a raw id, or a `p-…` participant id.
   * @param {import('./participants.js').CommunicationIdentifier | string} identifier
   */
  async admit(identifier) {
    for (const participantId of this.#idsOf(identifier)) await this.#request('admit', { participantId });
  }

  /**
   * Lets everyone in the lobby in.
   * @returns {Promise<{successfulCount: number, failedCount: number}>}
   */
  async admitAll() {
    const ack = await this.#request('admitAll');
    return { successfulCount: ack?.count ?? 0, failedCount: 0 };
  }

  /**
   * Refuses one person entry; their call ends with 0/5854.
   * @param {import('./participants.js').CommunicationIdentifier | string} identifier
   */
  async reject(identifier) {
    for (const participantId of this.#idsOf(identifier)) await this.#request('deny', { participantId });
  }

  /** Everyone in the lobby the identifier names (a member may wait on several devices). */
  #idsOf(identifier) {
    const ids = participantIdsOf(identifier, this.#participants.values());
    if (ids.length === 0) throw LocalError.invalidArgument('Pass the identifier of a participant from lobby.participants');
    return ids;
  }

  /** @internal the identifier of someone waiting, if they are */
  _identifierOf(participantId) {
    return this.#participants.get(participantId)?.identifier;
  }

  /** @internal the full list (on entering Connected) */
  _replace(entries) {
    const next = new Map();
    const added = [];
    for (const e of entries) {
      const existing = this.#participants.get(e.id);
      const p = existing ?? new RemoteParticipant(e, 'InLobby', () => Promise.reject(LocalError.notConnected('mute someone in the lobby')));
      next.set(e.id, p);
      if (!existing) added.push(p);
    }
    const removed = [...this.#participants.values()].filter((p) => !next.has(p.participantId));
    this.#participants = next;
    if (added.length || removed.length) this._emit('lobbyParticipantsUpdated', { added, removed });
  }

  /** @internal one change */
  _delta(op, entry) {
    if (op === 'added') {
      if (this.#participants.has(entry.id)) return;
      const p = new RemoteParticipant(entry, 'InLobby', () => Promise.reject(LocalError.notConnected('mute someone in the lobby')));
      this.#participants.set(entry.id, p);
      this._emit('lobbyParticipantsUpdated', { added: [p], removed: [] });
    } else {
      const p = this.#participants.get(entry.id);
      if (!p) return;
      this.#participants.delete(entry.id);
      this._emit('lobbyParticipantsUpdated', { added: [], removed: [p] });
    }
  }

  /** @internal */
  _clear() { this._replace([]); }
}
