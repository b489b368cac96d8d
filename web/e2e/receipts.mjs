// Receipts and mute in two browsers side by side: alice's messages to bob show ✓ sent while bob has
// no device, ✓✓ delivered once his device gets them by push (it acknowledges them), and read
// once he looks at them. In a group of three, alice's message says who has read it ("Read by").
// Alice mutes the direct conversation from its menu: a marker shows in the pane and the list.
// Bob answers right after two messages: the acknowledgement waiting for its pace rides on his answer.
// Three people alice writes to read at once: the notices of two conversations come in one message.
// Screenshots: sent, delivered, read (both sides), read by in the group, the muted conversation.
import { assert, assertEqual, Phone, scenario, WaitMs } from './lib.mjs';

await scenario('receipts', async (t) => {
  const [aliceId, bobId, carolId] = [t.user('alice'), t.user('bob'), t.user('carol')];
  const aliceApi = await t.api(aliceId);
  const direct = (await aliceApi.call('POST', '/api/conversations', { members: [bobId], kind: 'direct' })).conversationId;
  const alice = await t.device('alice');
  const bob = await t.device('bob', Phone);
  const tick = (device, body, state) => device.page.locator('[data-testid="message"]', { hasText: body })
    .locator(`[data-testid="tick"][data-tick="${state}"]`).waitFor({ timeout: WaitMs });

  t.step('alice writes to bob, who has no device yet: sent');
  await alice.signIn(aliceId);
  await alice.open(direct);
  await alice.send('Hi bob');
  await alice.waitForBodies(['Hi bob']);
  await tick(alice, 'Hi bob', 'sent');
  await t.shot(alice, 'alice-sent');

  t.step('bob signs in; alice writes again, his device gets it by push: delivered');
  await bob.signIn(bobId);
  await alice.send('Are you there?');
  await alice.waitForBodies(['Hi bob', 'Are you there?']);
  await tick(alice, 'Are you there?', 'delivered');
  await tick(alice, 'Hi bob', 'delivered');
  await t.shot(alice, 'alice-delivered');

  t.step('bob opens the conversation and reads: read; the menu alice has open on her message stays open');
  const asked = alice.page.locator('[data-testid="message"]', { hasText: 'Are you there?' });
  await asked.hover();
  await asked.getByTestId('message-menu').click();
  await asked.getByTestId('menu-reply').waitFor({ timeout: WaitMs });
  await bob.open(direct);
  await bob.waitForBodies(['Hi bob', 'Are you there?']);
  await tick(alice, 'Are you there?', 'read');
  await tick(alice, 'Hi bob', 'read');
  assert(await asked.getByTestId('menu-reply').isVisible(), 'the message menu stays open as its message turns read');
  await asked.getByTestId('message-menu').click();
  await asked.getByTestId('menu-reply').waitFor({ state: 'hidden', timeout: WaitMs });
  assertEqual(await alice.page.locator('[data-testid="read-by"]').count(), 0, 'no "read by" line in a direct conversation');
  await t.shot(alice, 'alice-read');
  await t.shot(bob, 'bob-read');

  t.step('a group of three: bob reads, then carol: "Read by" grows and the tick turns read');
  const group = await aliceApi.createGroup('Lunch crew', [bobId, carolId]);
  // Alice is on a desktop: the list stays beside the pane.
  await alice.conversation(group).waitFor({ timeout: WaitMs });
  await alice.open(group);
  await alice.send('Lunch at noon?');
  await alice.waitForBodies(['Lunch at noon?']);
  const readBy = alice.page.locator('[data-testid="message"]', { hasText: 'Lunch at noon?' }).getByTestId('read-by');
  await bob.page.getByTestId('back').click();
  await bob.conversation(group).waitFor({ timeout: WaitMs });
  await bob.open(group);
  await bob.waitForBodies(['Lunch at noon?']);
  await readBy.filter({ hasText: `Read by 1 · ${bobId}` }).waitFor({ timeout: WaitMs });
  // Carol has no device: the message has not reached everyone yet.
  await tick(alice, 'Lunch at noon?', 'sent');
  const carolApi = await t.api(carolId);
  const seq = (await aliceApi.history(group)).at(-1).seq;
  await carolApi.call('POST', `/api/conversations/${group}/read`, { seq });
  await readBy.filter({ hasText: `Read by 2 · ${[bobId, carolId].sort().join(', ')}` }).waitFor({ timeout: WaitMs });
  await tick(alice, 'Lunch at noon?', 'read');
  await t.shot(alice, 'alice-group-read-by');
  await t.shot(bob, 'bob-group');

  t.step('alice mutes the direct conversation from its menu: marked in the pane and the list; then unmutes');
  await alice.open(direct);
  const pane = alice.page.getByTestId('conversation-view');
  assert(await pane.getByTestId('muted-marker').isHidden(), 'not muted at first');
  await alice.page.getByTestId('conversation-menu-button').click();
  await alice.page.getByTestId('mute-toggle').filter({ hasText: 'Mute' }).click();
  await pane.getByTestId('muted-marker').waitFor({ state: 'visible', timeout: WaitMs });
  await alice.conversation(direct).getByTestId('muted-marker').waitFor({ timeout: WaitMs });
  const row = (await aliceApi.call('GET', '/api/conversations')).find((c) => c.conversationId === direct);
  assert(row.muted === true, 'the server has it muted');
  await t.shot(alice, 'alice-muted');
  await alice.page.getByTestId('conversation-menu-button').click();
  await alice.page.getByTestId('mute-toggle').filter({ hasText: 'Unmute' }).click();
  await pane.getByTestId('muted-marker').waitFor({ state: 'hidden', timeout: WaitMs });
  assertEqual(await alice.conversation(direct).getByTestId('muted-marker').count(), 0, 'no marker in the list once unmuted');

  t.step('alice writes twice in a row and bob answers at once: the acknowledgement waiting for its pace rides on his answer');
  // The second message's acknowledgement waits up to 2 s for its pace; an answer within it carries it.
  // Tried again (the pace only grows) should the browser be too slow to answer within it.
  await bob.page.getByTestId('back').click();
  await bob.open(direct);
  const shown = ['Hi bob', 'Are you there?'];
  for (let i = 1; (await bob.stats()).acknowledgementsOnSends === 0; i++) {
    assert(i <= 5, 'an acknowledgement rode on one of five answers');
    await aliceApi.send(direct, `Ping ${i}`);
    await aliceApi.send(direct, `Pong ${i}`);
    shown.push(`Ping ${i}`, `Pong ${i}`);
    await bob.waitForBodies(shown);
    await bob.send(`Answer ${i}`);
    shown.push(`Answer ${i}`);
    await bob.waitForBodies(shown, 'his answer, sent');
  }

  t.step('three people read alice\'s messages at once: the notices of two conversations reach her in one message');
  // The first notice goes at once and starts alice's pace; the two right after it wait for its end
  // and go together (receiptsMany). Tried again (each conversation's own pace may hold a notice back).
  const [daveId, erinId, frankId] = [t.user('dave'), t.user('erin'), t.user('frank')];
  const readers = await Promise.all([daveId, erinId, frankId].map((id) => t.api(id)));
  const chats = [];
  for (const reader of readers) chats.push((await aliceApi.call('POST', '/api/conversations', { members: [reader.id], kind: 'direct' })).conversationId);
  for (const id of chats) {
    await aliceApi.send(id, 'Hello there');
    await alice.conversation(id).waitFor({ timeout: WaitMs });
  }
  // Alice opens erin's, then dave's (open from now on): she holds both conversations' receipts.
  await alice.open(chats[1]);
  await alice.open(chats[0]);
  const bodies = ['Hello there'];
  for (let i = 1; (await alice.stats()).receiptsBatches === 0; i++) {
    assert(i <= 5, 'the notices of two conversations came in one message within five tries');
    const seqs = [];
    for (const id of chats) seqs.push((await aliceApi.send(id, `Read this ${i}`)).seq);
    bodies.push(`Read this ${i}`);
    await alice.waitForBodies(bodies);
    const before = (await alice.stats()).receiptsNotices;
    for (const k of [2, 0, 1]) await readers[k].call('POST', `/api/conversations/${chats[k]}/read`, { seq: seqs[k] });
    await alice.page.waitForFunction((n) => window.seqline.stats.receiptsNotices >= n, before + 3, { timeout: WaitMs });
  }
  await tick(alice, bodies.at(-1), 'read');
  await t.shot(alice, 'alice-read-in-a-batch');

  t.step("a notice waiting for alice's pace rides on the next message pushed to her, and her tick turns read");
  // Dave's read starts (or finds) alice's pace; erin's right after it waits for its end, unless
  // erin's message, pushed to alice first, takes it along. Tried again, as above.
  for (let i = 1; (await alice.stats()).receiptsRiding === 0; i++) {
    assert(i <= 5, 'a notice rode on one of five pushes');
    const seqs = [];
    for (const id of chats.slice(0, 2)) seqs.push((await aliceApi.send(id, `Ride ${i}`)).seq);
    bodies.push(`Ride ${i}`);
    await alice.waitForBodies(bodies);
    await readers[0].call('POST', `/api/conversations/${chats[0]}/read`, { seq: seqs[0] });
    await readers[1].call('POST', `/api/conversations/${chats[1]}/read`, { seq: seqs[1] });
    await readers[1].send(chats[1], `Got it ${i}`);
    await alice.waitForPreview(chats[1], `Got it ${i}`);
  }
  await tick(alice, bodies.at(-1), 'read');
});
