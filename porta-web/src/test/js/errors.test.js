// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CallingError, LocalEndReason, fromActionError, toCallEndReason } from '../../main/resources/web/sdk/errors.js';

describe('End reasons and errors', () => {
  test('a server end reason keeps its numbers and adds what to do after what happened', () => {
    const reason = toCallEndReason({ code: 403, subCode: 5222, message: 'the organizer policy disables anonymous join', resultCategories: ['ExpectedError'], canRejoin: false });
    assert.equal(reason.code, 403);
    assert.equal(reason.subCode, 5222);
    assert.equal(reason.message, "The organizer policy disables anonymous join. The organizer's policy does not let guests join; ask the organizer to change it.");
    assert.deepEqual([...reason.resultCategories], ['ExpectedError']);
    assert.equal(reason.canRejoin, false);
  });

  test('every documented end reason without a message still gets a sentence and advice', () => {
    const subCodes = [[0, 4097], [0, 5000], [0, 5854], [495, 4507], [495, 4508], [495, 4509], [403, 4510], [403, 5221], [403, 5222],
      [404, 5250], [403, 5251], [429, 5252], [403, 5253], [403, 5254], [503, 5260], [410, 5270], [410, 5271], [400, 6001],
      [400, 6010], [400, 6011], [413, 6002], [429, 6003], [503, 7100], [500, 7500]];
    for (const [code, subCode] of subCodes) {
      const reason = toCallEndReason({ code, subCode });
      assert.ok(reason.message.length > 10, `${subCode} has a message`);
      assert.match(reason.message, /\.$/, `${subCode} ends as a sentence`);
      if (code !== 0 || subCode !== 0) assert.ok(reason.message.split('. ').length >= 2 || subCode === 0, `${subCode} says what to do: ${reason.message}`);
    }
  });

  test('leaving yourself ends with 0/0 and Success', () => {
    const reason = LocalEndReason.left();
    assert.deepEqual([reason.code, reason.subCode, [...reason.resultCategories]], [0, 0, ['Success']]);
    assert.equal(reason.message, 'You left the meeting.');
  });

  test('a malformed end reason falls back to an unexpected server error instead of throwing', () => {
    const reason = toCallEndReason({ code: 'x', subCode: null });
    assert.deepEqual([reason.code, reason.subCode], [500, 7500]);
    assert.deepEqual([...reason.resultCategories], ['UnexpectedServerError']);
    assert.equal(toCallEndReason(undefined).code, 500);
  });

  test('server restart reasons say the client may rejoin', () => {
    assert.equal(toCallEndReason({ code: 503, subCode: 7100, canRejoin: true }).canRejoin, true);
    assert.equal(LocalEndReason.connectionLost().canRejoin, true);
    assert.equal(LocalEndReason.connectionLost().subCode, 5271);
  });

  test('an action error becomes a CallingError with numbers, the protocol code and advice', () => {
    const error = fromActionError({ code: 'capabilityDisabled', message: 'raise hand is reserved for members by the meeting policy' });
    assert.ok(error instanceof CallingError);
    assert.ok(error instanceof Error);
    assert.equal(error.code, 403);
    assert.equal(error.subCode, 46004);
    assert.equal(error.reason, 'capabilityDisabled');
    assert.equal(error.message, 'Raise hand is reserved for members by the meeting policy. The meeting settings do not allow this; ask the organizer.');
  });

  test('every action error code has distinct numbers', () => {
    const codes = ['invalidMessage', 'notConnected', 'alreadyJoined', 'roleRequired', 'capabilityDisabled', 'participantNotFound',
      'participantNotEligible', 'screenShareBusy', 'cannotTargetOrganizer', 'breakoutState', 'sdpRejected', 'chatDisabled', 'meetingBusy'];
    const subCodes = codes.map((code) => fromActionError({ code }).subCode);
    assert.equal(new Set(subCodes).size, codes.length);
    for (const code of codes) assert.match(fromActionError({ code }).message, /\. .+\.$/, `${code} has what happened and what to do`);
  });

  test('an unknown action error code is still a readable error', () => {
    const error = fromActionError({ code: 'somethingNew', message: '' });
    assert.equal(error.reason, 'somethingNew');
    assert.match(error.message, /somethingNew/);
  });
});
