// The network is cut (the browser context goes offline) and restored: messages written offline
// are sent once when it is back, even when the answer to one send is lost, and messages that
// arrived meanwhile are pulled. Nothing is lost or doubled. Screenshot: the offline state.
import { assert, assertEqual, scenario, WaitMs } from './lib.mjs';

await scenario('offline', async (t) => {
  const ginaId = t.user('gina');
  const hank = await t.api(t.user('hank'));
  const id = await hank.createGroup('Band practice', [ginaId]);
  await hank.send(id, 'Practice moved to Thursday');

  const gina = await t.device('gina');
  t.step('gina opens the conversation and answers while online');
  await gina.signIn(ginaId);
  await gina.open(id);
  await gina.send('Thursday works');
  const online = ['Practice moved to Thursday', 'Thursday works'];
  await gina.waitForBodies(online);

  // The first send after the network is back reaches the server, but its answer is lost.
  let networkBack = false;
  let lostAnswers = 0;
  await gina.page.route('**/api/conversations/*/messages', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    if (!networkBack) return route.abort('internetdisconnected');
    if (lostAnswers === 0) {
      lostAnswers++;
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });

  t.step('the network is cut: gina writes three messages, which wait as pending');
  await gina.context.setOffline(true);
  await gina.waitForStatus('offline');
  const offline = ['I will bring the amp', 'And the spare cables', 'Can someone bring drumsticks?'];
  for (const body of offline) await gina.send(body);
  await gina.page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="message"][data-state="pending"]').length === n,
    offline.length,
    { timeout: WaitMs },
  );

  t.step('hank writes twice while gina is offline');
  const meanwhile = ['Studio B this time', 'Doors open at seven'];
  for (const body of meanwhile) await hank.send(id, body);
  await t.shot(gina, 'pending-offline');

  t.step('the network is back: every message once, in one order for both');
  networkBack = true;
  await gina.context.setOffline(false);
  await gina.waitForStatus('online');
  await gina.page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="message"]').length === n
      && [...document.querySelectorAll('[data-testid="message"]')].every((el) => el.dataset.state === 'synced'),
    online.length + offline.length + meanwhile.length,
    { timeout: WaitMs },
  );
  const shown = await gina.messages();
  const stored = await hank.history(id);
  assertEqual(shown.map((m) => m.seq), stored.map((m) => m.seq), 'the seqs gina shows and the server stored');
  assertEqual(shown.map((m) => m.body), stored.map((m) => m.body), 'the bodies gina shows and the server stored');
  assertEqual(stored.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7], 'the stored seqs');
  for (const body of [...online, ...offline, ...meanwhile]) {
    assertEqual(stored.filter((m) => m.body === body).length, 1, `copies of "${body}"`);
  }
  assertEqual(stored.filter((m) => m.senderId === ginaId).map((m) => m.body), ['Thursday works', ...offline], "gina's messages in the order she wrote them");
  assert(lostAnswers === 1, 'the lost answer was simulated');
  // The send whose answer was lost is either retried with its clientMsgId (answered as a
  // duplicate) or comes back through sync first, which ends the retry; stored once either way.
  t.step(`sync counters: ${JSON.stringify(await gina.stats())}`);
  await gina.waitForUnread(id, 0);
});
