// SPDX-License-Identifier: Apache-2.0
/**
 * The meeting roster as the protocol delivers it: one snapshot (`roster`, carrying the `seq` of the
 * last change it includes) and then deltas whose `seq` grows by exactly one (§4). Pure data; the Call
 * turns the results into RemoteParticipant objects and events.
 *
 * Roster version 2 (§4.4), which the library asks for: the snapshot is one page of the roster (plus
 * your own entry) with the `total` seated, and each `rosterDelta` is a batch of the changes of one
 * window in that page (`changes`), following on from the batch or snapshot whose `seq` it names as
 * `prev`. Version 1 frames (one change each) are still understood.
 * @module roster
 */

/** The roster protocol version the library speaks (sent in `join`). */
export const ROSTER_VERSION = 2;

/** Deltas that may wait for a snapshot; more than this means something is badly wrong. */
export const MAX_PENDING_DELTAS = 1000;

/**
 * @typedef {object} RosterEntry a §4.2 roster participant
 * @property {string} id
 * @property {'member'|'guest'} kind
 * @property {string} displayName
 * @property {string} role
 * @property {string} state
 * @property {boolean} muted
 * @property {boolean} speaking
 * @property {boolean} handRaised
 * @property {string[]} streams
 * @property {string} [breakoutRoomId]
 */

/**
 * @typedef {object} RosterChange
 * @property {RosterEntry[]} added
 * @property {RosterEntry[]} removed
 * @property {{before: RosterEntry, after: RosterEntry}[]} updated
 */

/**
 * @typedef {{kind: 'applied', change: RosterChange}
 *   | {kind: 'stale'}
 *   | {kind: 'pending'}
 *   | {kind: 'gap', expected: number, got: number}
 *   | {kind: 'overflow'}} DeltaResult
 */

const emptyChange = () => ({ added: [], removed: [], updated: [] });

export class Roster {
  /** @type {Map<string, RosterEntry>} */
  #entries = new Map();
  /** -1 until the first snapshot. */
  #seq = -1;
  /** @type {any[]} deltas received before the snapshot */
  #pending = [];
  /** How many are seated in all (version 2 tells; version 1: everyone is held). */
  #total = null;
  /** Where the page held starts in join order (version 2). */
  #offset = 0;

  /** The `seq` of the last change applied, or -1 before the first snapshot. */
  get seq() { return this.#seq; }
  get hasSnapshot() { return this.#seq >= 0; }
  /** @returns {RosterEntry[]} in join (insertion) order */
  get entries() { return [...this.#entries.values()]; }
  get size() { return this.#entries.size; }
  /** Everyone seated, also those outside the page held (version 2); with version 1 the entries held. */
  get total() { return this.#total ?? this.#entries.size; }
  /** Where the page held starts in join order (0 with version 1). */
  get offset() { return this.#offset; }
  get(id) { return this.#entries.get(id); }

  /**
   * Replaces the roster with a snapshot (first join, or after a resume) and returns what changed
   * compared to before; then applies deltas that arrived early and are newer than the snapshot.
   * @param {{seq: number, participants: RosterEntry[]}} snapshot
   * @returns {{changes: RosterChange[], gap: null | {expected: number, got: number}}} the snapshot's
   *   change first, then one per early delta, to be applied in order
   */
  applySnapshot(snapshot) {
    const change = emptyChange();
    const next = new Map();
    for (const p of snapshot.participants) next.set(p.id, freeze(p));
    for (const [id, before] of this.#entries) {
      const after = next.get(id);
      if (!after) change.removed.push(before);
      else if (!sameEntry(before, after)) change.updated.push({ before, after });
    }
    for (const [id, after] of next) if (!this.#entries.has(id)) change.added.push(after);
    this.#entries = next;
    this.#seq = snapshot.seq;
    this.#total = Number.isInteger(snapshot.total) ? snapshot.total : null;
    this.#offset = Number.isInteger(snapshot.offset) ? snapshot.offset : 0;
    const pending = this.#pending;
    this.#pending = [];
    const changes = [change];
    let gap = null;
    for (const delta of pending) {
      const result = this.applyDelta(delta);
      if (result.kind === 'applied') changes.push(result.change);
      else if (result.kind === 'gap') { gap = { expected: result.expected, got: result.got }; break; }
    }
    return { changes, gap };
  }

  /**
   * Applies one `rosterDelta`. Deltas at or below the current `seq` are stale (already in the
   * snapshot) and ignored; a delta beyond `seq + 1` is a gap and changes nothing.
   * @param {{seq: number, op: 'added'|'updated'|'removed', participant: any}} delta
   * @returns {DeltaResult}
   */
  applyDelta(delta) {
    if (this.#seq < 0) {
      if (this.#pending.length >= MAX_PENDING_DELTAS) return { kind: 'overflow' };
      this.#pending.push(delta);
      return { kind: 'pending' };
    }
    if (delta.seq <= this.#seq) return { kind: 'stale' };
    if (Array.isArray(delta.changes)) return this.#applyBatch(delta);
    if (delta.seq !== this.#seq + 1) return { kind: 'gap', expected: this.#seq + 1, got: delta.seq };
    this.#seq = delta.seq;
    const change = emptyChange();
    this.#applyOne(delta.op, delta.participant, change);
    return { kind: 'applied', change };
  }

  /**
   * A version 2 batch: it follows on from `prev` (the seq held), and its changes, in order, are what
   * changed in the page held. One participant appears at most once per kind of change in the result.
   */
  #applyBatch(batch) {
    if (batch.prev !== this.#seq) return { kind: 'gap', expected: this.#seq, got: batch.prev };
    const before = new Map();
    for (const { participant } of batch.changes) {
      if (!before.has(participant.id)) before.set(participant.id, this.#entries.get(participant.id));
    }
    for (const { op, participant } of batch.changes) this.#applyOne(op, participant, emptyChange());
    this.#seq = batch.seq;
    this.#total = batch.total;
    const change = emptyChange();
    for (const [id, was] of before) {
      const now = this.#entries.get(id);
      if (was && !now) change.removed.push(was);
      else if (!was && now) change.added.push(now);
      else if (was && now && !sameEntry(was, now)) change.updated.push({ before: was, after: now });
    }
    return { kind: 'applied', change };
  }

  #applyOne(op, participant, change) {
    const id = participant.id;
    const before = this.#entries.get(id);
    if (op === 'removed') {
      if (before) {
        this.#entries.delete(id);
        change.removed.push(before);
      }
    } else {
      const after = freeze(participant);
      this.#entries.set(id, after);
      if (!before) change.added.push(after);
      else if (!sameEntry(before, after)) change.updated.push({ before, after });
    }
  }

  /** Forgets everything (the call ended). */
  clear() {
    this.#entries.clear();
    this.#pending = [];
    this.#seq = -1;
    this.#total = null;
    this.#offset = 0;
  }
}

function freeze(p) {
  return Object.freeze({ ...p, streams: Object.freeze([...(p.streams ?? [])]) });
}

function sameEntry(a, b) {
  return a.displayName === b.displayName && a.kind === b.kind && a.role === b.role && a.state === b.state
    && a.muted === b.muted && a.speaking === b.speaking && a.handRaised === b.handRaised
    && a.breakoutRoomId === b.breakoutRoomId
    && a.streams.length === b.streams.length && a.streams.every((s) => b.streams.includes(s));
}
