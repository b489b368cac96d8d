// A reload shows the conversation from IndexedDB before the server answers, then catches up on
// what was sent meanwhile from the stored cursor (no reset); messages still in the outbox at a
// reload go out after it, once each. Screenshots: the view from the cache, the outbox after a reload.
import { assert, assertEqual, scenario, WaitMs } from './lib.mjs';

await scenario('reload', async (t) => {
  const daveId = t.user('dave');
  const carol = await t.api(t.user('carol'));
  const id = await carol.createGroup('Weekend trip', [daveId]);
  const before = ['Train at 9:10 on Saturday', 'I booked the cabin', 'Bring boots'];
  for (const body of before) await carol.send(id, body);

  const dave = await t.device('dave');
  t.step('dave reads the conversation and answers');
  await dave.signIn(daveId);
  await dave.open(id);
  await dave.waitForBodies(before);
  await dave.send('Sounds great!');
  const seen = [...before, 'Sounds great!'];
  await dave.waitForBodies(seen);

  t.step('dave closes the tab; carol writes twice meanwhile');
  await dave.page.close();
  // A closed tab may still take a push until the server has let go of its connection, and then keep
  // it in IndexedDB: carol writes only once the server counts dave offline.
  for (const deadline = Date.now() + WaitMs; (await carol.call('GET', `/api/users/${daveId}/presence`)).online;) {
    assert(Date.now() < deadline, 'the server still counts dave online after his tab closed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const meanwhile = ['The forecast says sun', 'See you at the station'];
  for (const body of meanwhile) await carol.send(id, body);

  t.step('dave opens the app again while the server is unreachable: the view comes from IndexedDB');
  const page = await dave.newPage();
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.route('**/hubs/**', (route) => route.abort('connectionrefused'));
  await page.goto(`/c/${id}`);
  await dave.waitForBodies(seen, 'the cached conversation');
  await page.locator('[data-testid="status"][data-status="connecting"]').waitFor();
  await t.shot(dave, 'from-cache');

  t.step('the server answers again: dave catches up from his stored cursor');
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await dave.waitForStatus('online');
  await dave.waitForBodies([...seen, ...meanwhile], 'the messages sent while the tab was closed');
  await dave.waitForUnread(id, 0);
  const stats = await dave.stats();
  assert(stats.resets === 0, `the reloaded app reset its sync instead of continuing from its cursor: ${JSON.stringify(stats)}`);

  t.step('another reload while online shows the same, and sending still works');
  await page.reload();
  await dave.waitForBodies([...seen, ...meanwhile]);
  await dave.waitForStatus('online');
  await dave.send('Packing now');
  await dave.waitForBodies([...seen, ...meanwhile, 'Packing now']);
  assertEqual((await dave.messages()).map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7], 'the seqs');
  const sent = [...seen, ...meanwhile, 'Packing now'];
  assertEqual((await carol.history(id)).map((m) => m.body), sent, 'what the server stored');

  t.step('dave writes twice but no send gets through; he reloads and they are still waiting');
  const noAnswer = (route) => (route.request().method() === 'POST' ? route.abort('connectionreset') : route.fallback());
  await page.route('**/api/conversations/*/messages', noAnswer);
  const unsent = ['Got the tickets', 'Platform 4'];
  for (const body of unsent) await dave.send(body);
  const pending = (n) => page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="message"][data-state="pending"]').length === n,
    n,
    { timeout: WaitMs },
  );
  await pending(unsent.length);
  await page.reload();
  await dave.waitForStatus('online');
  await pending(unsent.length);
  await t.shot(dave, 'outbox-after-reload');

  t.step('sends get through again: the reloaded app sends each once, in order');
  await page.unroute('**/api/conversations/*/messages', noAnswer);
  await dave.waitForBodies([...sent, ...unsent], 'the messages from the outbox, synced');
  assertEqual((await carol.history(id)).map((m) => m.body), [...sent, ...unsent], 'what the server stored');
  assertEqual((await dave.messages()).map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9], 'the seqs');
});
