// The hub's socket drops while the browser still thinks it is online: SignalR reconnects by
// itself, and the first push of the new connection makes the device pull what it missed. A
// message sent meanwhile goes over HTTP and waits as acked until sync brings it back.
// Screenshot: the conversation while reconnecting.
import { HubTap } from './hub.mjs';
import { assert, assertEqual, scenario } from './lib.mjs';

await scenario('reconnect', async (t) => {
  const leoId = t.user('leo');
  const kim = await t.api(t.user('kim'));
  const id = await kim.createGroup('Book club', [leoId]);
  await kim.send(id, 'Next book: Dune');

  const leo = await t.device('leo');
  const tap = await HubTap.attach(leo);
  t.step('leo opens the conversation');
  await leo.signIn(leoId);
  await leo.open(id);
  await leo.waitForBodies(['Next book: Dune']);
  const before = await leo.stats();

  t.step('the socket drops and the node refuses new connections; the page stays online');
  const refuse = (route) => route.abort('connectionrefused');
  await leo.page.route('**/hubs/sync/negotiate*', refuse);
  assertEqual(await tap.cut(), 1, 'open hub connections cut');
  await leo.waitForStatus('connecting');
  assert(await leo.page.evaluate(() => navigator.onLine), 'the browser still thinks it is online');

  t.step('kim writes twice; leo answers over HTTP, and his message waits as acked');
  const meanwhile = ['I am halfway through', 'Chapter 12 is wild'];
  for (const body of meanwhile) await kim.send(id, body);
  await leo.send('No spoilers please');
  await leo.page.locator('[data-testid="message"][data-state="acked"]').filter({ hasText: 'No spoilers please' }).waitFor();
  await t.shot(leo, 'reconnecting');

  t.step('the node takes connections again: leo reconnects and pulls what he missed, each once');
  await leo.page.unroute('**/hubs/sync/negotiate*', refuse);
  await leo.waitForStatus('online');
  const all = ['Next book: Dune', ...meanwhile, 'No spoilers please'];
  await leo.waitForBodies(all, 'the messages sent while the socket was down');
  const after = await leo.stats();
  assert(after.reconnects > before.reconnects, `SignalR's automatic reconnect did not report back: ${JSON.stringify(after)}`);
  assert(after.pulledMessages >= before.pulledMessages + 3, `the missed messages were not pulled: ${JSON.stringify(after)}`);

  t.step('the new connection carries pushes again');
  await kim.send(id, 'Meet on Sunday?');
  await leo.waitForBodies([...all, 'Meet on Sunday?']);
  assert((await leo.stats()).pushedMessages > after.pushedMessages, 'the message after the reconnect came by push');
  assertEqual((await kim.history(id)).map((m) => m.body), [...all, 'Meet on Sunday?'], 'what the server stored');
  assertEqual((await leo.messages()).map((m) => m.seq), [1, 2, 3, 4, 5], 'the seqs leo shows');
});
