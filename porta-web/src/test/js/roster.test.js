// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Roster } from '../../main/resources/web/sdk/roster.js';

const p = (id, extra = {}) => ({
  id, kind: 'guest', displayName: id.toUpperCase(), role: 'attendee', state: 'Connected',
  muted: true, speaking: false, handRaised: false, streams: [], ...extra,
});

describe('Roster', () => {
  test('a snapshot adds everyone in order and remembers its seq', () => {
    const roster = new Roster();
    const { changes, gap } = roster.applySnapshot({ seq: 7, participants: [p('a'), p('b')] });
    assert.equal(gap, null);
    assert.deepEqual(changes[0].added.map((x) => x.id), ['a', 'b']);
    assert.equal(roster.seq, 7);
    assert.deepEqual(roster.entries.map((x) => x.id), ['a', 'b']);
  });

  test('deltas with the next seq are applied as added, updated and removed', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 1, participants: [p('a')] });
    const added = roster.applyDelta({ seq: 2, op: 'added', participant: p('b') });
    assert.deepEqual(added.change.added.map((x) => x.id), ['b']);
    const updated = roster.applyDelta({ seq: 3, op: 'updated', participant: p('a', { muted: false }) });
    assert.equal(updated.change.updated[0].before.muted, true);
    assert.equal(updated.change.updated[0].after.muted, false);
    const removed = roster.applyDelta({ seq: 4, op: 'removed', participant: { id: 'b' } });
    assert.deepEqual(removed.change.removed.map((x) => x.id), ['b']);
    assert.equal(roster.seq, 4);
    assert.deepEqual(roster.entries.map((x) => x.id), ['a']);
  });

  test('deltas already included in the snapshot are ignored as stale', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 5, participants: [p('a')] });
    assert.equal(roster.applyDelta({ seq: 5, op: 'removed', participant: { id: 'a' } }).kind, 'stale');
    assert.equal(roster.applyDelta({ seq: 3, op: 'added', participant: p('z') }).kind, 'stale');
    assert.equal(roster.size, 1);
  });

  test('a skipped seq is reported as a gap and changes nothing', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 5, participants: [p('a')] });
    const result = roster.applyDelta({ seq: 7, op: 'added', participant: p('b') });
    assert.deepEqual(result, { kind: 'gap', expected: 6, got: 7 });
    assert.equal(roster.seq, 5);
    assert.equal(roster.get('b'), undefined);
  });

  test('deltas that arrive before the snapshot wait and only the newer ones apply', () => {
    const roster = new Roster();
    assert.equal(roster.applyDelta({ seq: 3, op: 'added', participant: p('old') }).kind, 'pending');
    assert.equal(roster.applyDelta({ seq: 4, op: 'added', participant: p('new') }).kind, 'pending');
    const { changes, gap } = roster.applySnapshot({ seq: 3, participants: [p('a'), p('old')] });
    assert.equal(gap, null);
    assert.equal(changes.length, 2);
    assert.deepEqual(changes[1].added.map((x) => x.id), ['new']);
    assert.equal(roster.seq, 4);
  });

  test('a snapshot after a resume reports only the differences', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 2, participants: [p('a'), p('b')] });
    const { changes } = roster.applySnapshot({ seq: 9, participants: [p('a', { handRaised: true }), p('c')] });
    assert.deepEqual(changes[0].added.map((x) => x.id), ['c']);
    assert.deepEqual(changes[0].removed.map((x) => x.id), ['b']);
    assert.deepEqual(changes[0].updated.map((x) => x.after.id), ['a']);
  });

  test('an update that changes nothing is not reported', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 1, participants: [p('a', { streams: ['audio', 'video'] })] });
    const result = roster.applyDelta({ seq: 2, op: 'updated', participant: p('a', { streams: ['video', 'audio'] }) });
    assert.equal(result.kind, 'applied');
    assert.equal(result.change.updated.length, 0);
    assert.equal(roster.seq, 2);
  });

  test('entries are frozen so application code cannot corrupt the roster', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 1, participants: [p('a', { streams: ['audio'] })] });
    assert.throws(() => { roster.get('a').muted = false; });
    assert.throws(() => { roster.get('a').streams.push('video'); });
  });

  test('pending deltas are bounded', () => {
    const roster = new Roster();
    let last;
    for (let i = 1; i <= 1001; i++) last = roster.applyDelta({ seq: i, op: 'added', participant: p(`x${i}`) });
    assert.equal(last.kind, 'overflow');
  });

  test('a version 2 batch applies the window\'s changes in order, as one change, and keeps the total', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 3, offset: 0, total: 2, participants: [p('a'), p('b')] });
    const result = roster.applyDelta({ seq: 7, prev: 3, total: 40, changes: [
      { op: 'removed', participant: { id: 'b' } },
      { op: 'added', participant: p('c') },
      { op: 'updated', participant: p('a', { muted: false }) },
      { op: 'updated', participant: p('a', { muted: true, handRaised: true }) },
    ] });
    assert.equal(result.kind, 'applied');
    assert.deepEqual(result.change.removed.map((x) => x.id), ['b']);
    assert.deepEqual(result.change.added.map((x) => x.id), ['c']);
    assert.equal(result.change.updated.length, 1, 'one update for a, however often it changed');
    assert.equal(result.change.updated[0].after.handRaised, true);
    assert.equal(roster.seq, 7);
    assert.equal(roster.total, 40, 'everyone seated, not only the page held');
    assert.equal(roster.size, 2);
  });

  test('a batch that does not follow on from the seq held is a gap and changes nothing', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 3, offset: 0, total: 1, participants: [p('a')] });
    const result = roster.applyDelta({ seq: 9, prev: 5, total: 2, changes: [{ op: 'added', participant: p('z') }] });
    assert.equal(result.kind, 'gap');
    assert.equal(roster.size, 1);
    assert.equal(roster.total, 1);
    assert.equal(roster.applyDelta({ seq: 3, prev: 1, total: 1, changes: [] }).kind, 'stale');
  });

  test('a batch before the snapshot waits, and one already in the snapshot is dropped', () => {
    const roster = new Roster();
    assert.equal(roster.applyDelta({ seq: 4, prev: 2, total: 2, changes: [{ op: 'added', participant: p('b') }] }).kind, 'pending');
    assert.equal(roster.applyDelta({ seq: 6, prev: 4, total: 3, changes: [{ op: 'added', participant: p('c') }] }).kind, 'pending');
    const { changes, gap } = roster.applySnapshot({ seq: 4, offset: 0, total: 2, participants: [p('a'), p('b')] });
    assert.equal(gap, null);
    assert.equal(changes.length, 2);
    assert.deepEqual(roster.entries.map((x) => x.id), ['a', 'b', 'c']);
    assert.equal(roster.total, 3);
  });

  test('someone who joined and left within one window never shows', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 1, offset: 0, total: 1, participants: [p('a')] });
    const result = roster.applyDelta({ seq: 3, prev: 1, total: 1, changes: [
      { op: 'added', participant: p('x') },
      { op: 'updated', participant: p('x', { handRaised: true }) },
      { op: 'removed', participant: { id: 'x' } },
    ] });
    assert.equal(result.kind, 'applied');
    assert.deepEqual(result.change, { added: [], updated: [], removed: [] });
    assert.deepEqual(roster.entries.map((x) => x.id), ['a']);
  });

  test('a page snapshot replaces what was held and remembers where it starts', () => {
    const roster = new Roster();
    roster.applySnapshot({ seq: 1, offset: 0, total: 5, participants: [p('a'), p('b'), p('me')] });
    const { changes } = roster.applySnapshot({ seq: 2, offset: 2, total: 5, participants: [p('c'), p('d'), p('me')] });
    assert.deepEqual(changes[0].removed.map((x) => x.id), ['a', 'b']);
    assert.deepEqual(changes[0].added.map((x) => x.id), ['c', 'd']);
    assert.equal(roster.offset, 2);
    assert.equal(roster.total, 5);
  });
});
