// SPDX-License-Identifier: Apache-2.0
// Drives one meeting chat thread on Porta with the official @azure/communication-chat SDK, configured with nothing
// but Porta's endpoint, and prints what a user of the SDK sees as one JSON object on stdout (ChatJsSdkTest reads it).
// Input: one JSON argument {mode, endpoint, token, threadId, readMessageId?}. Porta's certificate is trusted through
// NODE_EXTRA_CA_CERTS. mode "tour" runs every thread operation; mode "probe" only tries to list and to send, for
// the refusals.
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';

const input = JSON.parse(process.argv[2]);
const client = new ChatClient(input.endpoint, new AzureCommunicationTokenCredential(input.token));
const thread = client.getChatThreadClient(input.threadId);

/** What the SDK threw, as a user would inspect it: the HTTP status and ACS's error code. */
function refusal(e) {
  return { status: e.statusCode ?? null, code: e.code ?? null, message: String(e.message ?? e) };
}

async function attempt(work) {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return { ok: false, error: refusal(e) };
  }
}

async function all(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}

async function tour() {
  const out = {};
  const props = await thread.getProperties();
  out.topic = props.topic;
  out.createdBy = props.createdBy?.kind;

  const sent = await thread.sendMessage({ content: 'Hello from Node' }, { senderDisplayName: 'Pat Guest' });
  out.sentId = sent.id;
  out.listed = (await all(thread.listMessages())).map((m) => ({ id: m.id, type: m.type, content: m.content?.message,
    sender: m.sender?.kind === 'communicationUser' ? m.sender.communicationUserId : m.sender?.microsoftTeamsUserId,
    senderKind: m.sender?.kind }));

  await thread.updateMessage(sent.id, { content: 'Hello from Node, edited' });
  const edited = await thread.getMessage(sent.id);
  out.edited = { content: edited.content?.message, editedOn: edited.editedOn ? edited.editedOn.toISOString() : null };

  out.participants = (await all(thread.listParticipants())).map((p) => ({ rawId: p.id?.kind === 'communicationUser'
    ? p.id.communicationUserId : p.id?.rawId ?? null, kind: p.id?.kind, displayName: p.displayName }));

  out.typingSent = await thread.sendTypingNotification({ senderDisplayName: 'Pat Guest' });
  // the SDK throttles itself: a second notification right away is not sent
  out.secondTypingSent = await thread.sendTypingNotification();

  await thread.sendReadReceipt({ chatMessageId: input.readMessageId });
  out.readReceipts = (await all(thread.listReadReceipts())).map((r) => ({ chatMessageId: r.chatMessageId,
    sender: r.sender?.kind === 'communicationUser' ? r.sender.communicationUserId : r.sender?.rawId ?? null }));
  out.unknownReceipt = await attempt(() => thread.sendReadReceipt({ chatMessageId: 'm-999-nosuch' }));

  await thread.deleteMessage(sent.id);
  out.afterDelete = await attempt(() => thread.getMessage(sent.id));
  out.listedAfterDelete = (await all(thread.listMessages())).map((m) => m.content?.message);

  // the meeting decides who is on its thread and what it is called: these are not served
  out.addParticipants = await attempt(() => thread.addParticipants({
    participants: [{ id: { communicationUserId: '8:acs:someone_else' }, displayName: 'Someone' }] }));
  out.removeParticipant = await attempt(() => thread.removeParticipant({ communicationUserId: '8:acs:someone_else' }));
  out.createThread = await attempt(() => client.createChatThread({ topic: 'Not a meeting' }));
  return out;
}

async function probe() {
  return {
    list: await attempt(async () => (await all(thread.listMessages())).length),
    send: await attempt(async () => (await thread.sendMessage({ content: 'Let me in' })).id),
  };
}

try {
  const result = input.mode === 'probe' ? await probe() : await tour();
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ failed: refusal(e), stack: String(e.stack ?? '') }) + '\n');
  process.exitCode = 1;
}
