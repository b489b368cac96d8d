// Two users in two browsers chat both ways; the unread badge rises with each message and clears
// when the conversation is opened. A message sent is pending, then acked, then synced; one that
// arrives in an open conversation comes by push, without a pull. A click on a conversation's row
// opens it even when a message updates the row between the press and the release.
// Screenshots: sign-in, new group, conversation list, acked message, conversation.
import { HubTap } from './hub.mjs';
import { assertEqual, scenario } from './lib.mjs';

await scenario('chat', async (t) => {
  const [aliceId, bobId] = [t.user('alice'), t.user('bob')];
  const alice = await t.device('alice');
  const bob = await t.device('bob');
  const alicesHub = await HubTap.attach(alice);

  t.step('both sign in');
  await alice.page.goto('/');
  await alice.page.getByTestId('user-id').waitFor();
  await t.shot(alice, 'sign-in');
  await alice.signIn(aliceId);
  await bob.signIn(bobId);

  t.step('alice creates a group with bob');
  await alice.page.getByTestId('new-group').click();
  await alice.page.getByTestId('group-title').fill('Friday lunch');
  await alice.page.getByTestId('group-members').fill(bobId);
  await t.shot(alice, 'new-group');
  await alice.page.getByTestId('create-group').click();
  const view = alice.page.getByTestId('conversation-view');
  await view.waitFor();
  const id = await view.getAttribute('data-conversation-id');
  t.step('bob learns of the new group before anyone writes in it');
  await bob.conversation(id).filter({ hasText: 'Friday lunch' }).waitFor();
  await bob.waitForUnread(id, 0);

  t.step('alice sends two messages; bob\'s badge rises to 1, then 2');
  await alice.send('Hi Bob!');
  await bob.waitForUnread(id, 1);
  await alice.send('Lunch at 12:30 on Friday?');
  await bob.waitForUnread(id, 2);
  await alice.waitForBodies(['Hi Bob!', 'Lunch at 12:30 on Friday?'], "alice's own messages, synced");
  await t.shot(bob, 'conversation-list');

  t.step('bob presses on the row, alice\'s third message updates it, and his release still opens it');
  const title = await bob.conversation(id).locator('.conv-title').boundingBox();
  await bob.page.mouse.move(title.x + title.width / 2, title.y + title.height / 2);
  await bob.page.mouse.down();
  await alice.send('Are you in?');
  await bob.waitForUnread(id, 3);
  await bob.page.mouse.up();
  await bob.page.locator(`[data-testid="conversation-view"][data-conversation-id="${id}"]`).waitFor();

  t.step('bob sees the three messages, and the badge clears');
  await bob.waitForBodies(['Hi Bob!', 'Lunch at 12:30 on Friday?', 'Are you in?']);
  await bob.page.getByTestId('unread-divider').waitFor();
  await bob.waitForUnread(id, 0);

  t.step('alice leaves the conversation; bob replies twice; her badge rises and clears');
  await alice.page.keyboard.press('Escape');
  await alice.page.getByTestId('no-conversation').waitFor();
  await bob.send('Sure, see you there.');
  await alice.waitForUnread(id, 1);
  await bob.send('I will book a table for two.');
  await alice.waitForUnread(id, 2);
  await alice.open(id);
  await alice.waitForUnread(id, 0);
  await bob.waitForBodies(['Hi Bob!', 'Lunch at 12:30 on Friday?', 'Are you in?', 'Sure, see you there.', 'I will book a table for two.'], "bob's own replies, synced");

  t.step('alice answers with the conversation open on both sides: pending, acked, then synced');
  const bobBefore = await bob.stats();
  let answer;
  const answered = new Promise((resolve) => (answer = resolve));
  const holdSend = async (route) => {
    if (route.request().method() === 'POST') await answered;
    await route.fallback();
  };
  await alice.page.route('**/api/conversations/*/messages', holdSend);
  await alice.send('Perfect, thanks!');
  const answer1 = alice.page.locator('[data-testid="message"]').filter({ hasText: 'Perfect, thanks!' });
  await answer1.and(alice.page.locator('[data-state="pending"]')).waitFor();
  // The node's answer goes through, but not what its hub sends, so sync cannot overtake the ack.
  alicesHub.hold();
  answer();
  await answer1.and(alice.page.locator('[data-state="acked"]')).waitFor();
  await t.shot(alice, 'acked');
  alicesHub.release();
  await answer1.and(alice.page.locator('[data-state="synced"]')).waitFor();
  await alice.page.unroute('**/api/conversations/*/messages', holdSend);
  await alice.send('See you Friday');

  t.step('bob got both answers by push, and pulled nothing for them; no badge anywhere');
  const all = ['Hi Bob!', 'Lunch at 12:30 on Friday?', 'Are you in?', 'Sure, see you there.', 'I will book a table for two.', 'Perfect, thanks!', 'See you Friday'];
  await alice.waitForBodies(all, 'the whole conversation');
  await bob.waitForBodies(all, 'the whole conversation');
  const bobAfter = await bob.stats();
  assertEqual(
    [bobAfter.pushedMessages - bobBefore.pushedMessages, bobAfter.pulledMessages - bobBefore.pulledMessages],
    [2, 0],
    "the answers bob got by push and by pull",
  );
  await bob.waitForUnread(id, 0);
  await alice.waitForUnread(id, 0);
  const seqs = (await bob.messages()).map((m) => m.seq);
  assertEqual(seqs, [1, 2, 3, 4, 5, 6, 7], "the seqs bob sees");
  assertEqual((await alice.messages()).map((m) => m.sender), [aliceId, aliceId, aliceId, bobId, bobId, aliceId, aliceId], 'the senders alice sees');
  await t.shot(alice, 'conversation');
});
