// A push lost on the way to the page: the next push does not start at the device's cursor, so
// the device ignores it and pulls, and the lost message shows once, in its place.
// Screenshot: the conversation after the recovery.
import { HubTap } from './hub.mjs';
import { assert, assertEqual, scenario } from './lib.mjs';

await scenario('lost-push', async (t) => {
  const judyId = t.user('judy');
  const ivan = await t.api(t.user('ivan'));
  const id = await ivan.createGroup('Garden club', [judyId]);

  const judy = await t.device('judy');
  const tap = await HubTap.attach(judy);
  t.step('judy opens the conversation; ivan\'s first message comes by push');
  await judy.signIn(judyId);
  await judy.open(id);
  const start = await judy.stats();
  await ivan.send(id, 'The tomatoes are ripe');
  await judy.waitForBodies(['The tomatoes are ripe']);
  const before = await judy.stats();
  assertEqual(before.pushedMessages - start.pushedMessages, 1, 'messages judy got by push');

  t.step('the push of ivan\'s second message is lost');
  const loss = tap.losePushOf('Who wants some?');
  await ivan.send(id, 'Who wants some?');
  await loss.lost();

  t.step('ivan\'s third message: its push does not fit judy\'s cursor, so she pulls both');
  await ivan.send(id, 'First come, first served');
  const all = ['The tomatoes are ripe', 'Who wants some?', 'First come, first served'];
  await judy.waitForBodies(all, 'every message once, the lost one in its place');
  const after = await judy.stats();
  assert(after.pushesIgnored > before.pushesIgnored, `no push was ignored after the lost one: ${JSON.stringify(after)}`);
  assert(after.pulledMessages > before.pulledMessages, `the lost message was not pulled: ${JSON.stringify(after)}`);
  assertEqual(tap.lost.length, 1, 'pushes lost');
  assertEqual((await judy.messages()).map((m) => m.seq), [1, 2, 3], 'the seqs judy shows');
  await judy.waitForUnread(id, 0);
  await t.shot(judy, 'recovered');
});
