// A large group (read fan-out: the node under test switches above 3 members) looks no different:
// the group appears, badges rise and clear, replies arrive live, and a reopened tab catches up
// through the pull that merges the conversation's timeline. Screenshot: the group.
import { assertEqual, scenario } from './lib.mjs';

await scenario('large-group', async (t) => {
  const [aliceId, bobId] = [t.user('alice'), t.user('bob')];
  const olga = await t.api(t.user('olga'));
  const id = await olga.createGroup('Neighbourhood watch', [aliceId, bobId, t.user('pat'), t.user('quinn')]);
  const row = (await olga.call('GET', '/api/conversations')).find((r) => r.conversationId === id);
  assertEqual(row?.fanout, 'read', "the group's fan-out mode (Seqline:Fanout:ReadFanoutAbove must be below 5)");

  const alice = await t.device('alice');
  const bob = await t.device('bob');
  t.step('alice and bob sign in and see the group');
  await alice.signIn(aliceId);
  await bob.signIn(bobId);
  await alice.conversation(id).filter({ hasText: 'Neighbourhood watch' }).waitFor();
  await bob.conversation(id).filter({ hasText: 'Neighbourhood watch' }).waitFor();

  t.step('olga writes twice: both badges rise to 2');
  await olga.send(id, 'Street party on Sunday!');
  await olga.send(id, 'Who can bring chairs?');
  await alice.waitForUnread(id, 2);
  await bob.waitForUnread(id, 2);

  t.step('alice reads and replies: her badge clears, bob\'s rises to 3');
  await alice.open(id);
  await alice.waitForBodies(['Street party on Sunday!', 'Who can bring chairs?']);
  await alice.waitForUnread(id, 0);
  await alice.send('I have six chairs.');
  await bob.waitForUnread(id, 3);
  await bob.open(id);
  const three = ['Street party on Sunday!', 'Who can bring chairs?', 'I have six chairs.'];
  await bob.waitForBodies(three);
  await alice.waitForBodies(three);

  t.step('bob closes the tab; olga writes; bob comes back and catches up');
  await bob.page.close();
  await olga.send(id, 'Thanks Alice!');
  await alice.waitForBodies([...three, 'Thanks Alice!']);
  const page = await bob.newPage();
  await page.goto(`/c/${id}`);
  await bob.waitForBodies([...three, 'Thanks Alice!'], 'the message sent while the tab was closed');
  assertEqual(await bob.messages(), await alice.messages(), 'what bob and alice show');
  assertEqual((await alice.messages()).map((m) => m.seq), [1, 2, 3, 4], 'the seqs');
  await t.shot(alice, 'conversation');
});
