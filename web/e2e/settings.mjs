// The user's own settings, from their name in the sidebar, in two browsers side by side. Before:
// alice sees bob online, her group message says "Read by 2 · bob, carol" with a read tick, and bob
// sees that alice read his message. A load that fails says so and the toggles take no clicks; a
// save that fails says so and puts the toggle back. Bob turns off "Send read receipts": alice's
// message no longer says bob read it (carol still did), his open conversation loses alice's read at
// once, alice sees her message delivered, not read, even after bob answers it (which otherwise
// counts as read), and bob sees his messages alice read as delivered. Bob turns off "Show when I'm
// online": alice sees him not online while he is still connected. Turning receipts back on brings
// alice's read back on bob's screen.
// Screenshots: before, the failed save, receipts off (both sides), presence hidden, the menu.
import { assert, assertEqual, scenario, WaitMs } from './lib.mjs';

await scenario('settings', async (t) => {
  const [aliceId, bobId, carolId] = [t.user('alice'), t.user('bob'), t.user('carol')];
  const [aliceApi, bobApi, carolApi] = await Promise.all([t.api(aliceId), t.api(bobId), t.api(carolId)]);
  const direct = (await bobApi.call('POST', '/api/conversations', { members: [aliceId], kind: 'direct' })).conversationId;
  // A device learns who the other one in a direct conversation is from their first message.
  await bobApi.send(direct, 'Hi alice');
  const group = await aliceApi.createGroup('Book club', [bobId, carolId]);
  const { seq: groupSeq } = await aliceApi.send(group, 'Chapter 3 tonight?');
  await carolApi.call('POST', `/api/conversations/${group}/read`, { seq: groupSeq });

  const alice = await t.device('alice');
  const bob = await t.device('bob');
  const message = (device, body) => device.page.locator('[data-testid="message"]', { hasText: body });
  const tick = (device, body, state) => message(device, body).locator(`[data-testid="tick"][data-tick="${state}"]`).waitFor({ timeout: WaitMs });
  const readTicks = (device) => device.page.locator('[data-testid="tick"][data-tick="read"]').count();
  const readBy = message(alice, 'Chapter 3 tonight?').getByTestId('read-by');
  const settingsOf = (api) => api.call('GET', '/api/me/settings');
  /** Until the user's read position in the conversation reaches `seq` on the server. */
  const readOnServer = async (api, conversationId, seq) => {
    for (const deadline = Date.now() + WaitMs; ;) {
      const row = (await api.call('GET', '/api/conversations')).find((c) => c.conversationId === conversationId);
      if (row?.readSeq >= seq) return;
      assert(Date.now() < deadline, `${api.id} read ${conversationId} up to ${seq} on the server`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const presenceToggle = bob.page.getByTestId('setting-presence');
  const receiptsToggle = bob.page.getByTestId('setting-receipts');
  const menuReady = () => bob.page.locator('[data-testid="settings-menu"]:not([hidden]):not([aria-busy])').waitFor({ timeout: WaitMs });
  const openSettings = async () => {
    await bob.page.getByTestId('settings-button').click();
    await menuReady();
  };
  // Escape closes the menu (it covers the top of the list) and leaves the open conversation open.
  const closeSettings = async () => {
    await bob.page.keyboard.press('Escape');
    await bob.page.getByTestId('settings-menu').waitFor({ state: 'hidden', timeout: WaitMs });
    await bob.page.getByTestId('conversation-view').waitFor({ timeout: WaitMs });
  };

  t.step('both sign in and read: alice sees bob online and who read her group message; bob sees alice read his');
  await alice.signIn(aliceId);
  await bob.signIn(bobId);
  await bob.open(group);
  await bob.waitForBodies(['Chapter 3 tonight?']);
  await bob.open(direct);
  await bob.waitForBodies(['Hi alice']);
  await alice.open(direct);
  await alice.waitForBodies(['Hi alice']);
  await alice.page.locator('[data-testid="presence"][data-online="true"]', { hasText: 'online' }).waitFor({ timeout: WaitMs });
  await tick(bob, 'Hi alice', 'read');
  await alice.open(group);
  await alice.waitForBodies(['Chapter 3 tonight?']);
  await readBy.filter({ hasText: `Read by 2 · ${[bobId, carolId].sort().join(', ')}` }).waitFor({ timeout: WaitMs });
  await tick(alice, 'Chapter 3 tonight?', 'read');
  await t.shot(alice, 'alice-before');

  // The server answering 503 to one method of /api/me/settings.
  const refusing = (method) => (route) => route.request().method() === method
    ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Service Unavailable', detail: 'The node is busy, try again.', code: 'unavailable' }) })
    : route.continue();

  t.step('bob opens his settings but they cannot be read: he is told, and the toggles take no clicks');
  const refuseGet = refusing('GET');
  await bob.page.route('**/api/me/settings', refuseGet);
  await bob.page.getByTestId('settings-button').click();
  await bob.page.getByTestId('settings-error').filter({ hasText: 'Could not load your settings: The node is busy, try again.' }).waitFor({ timeout: WaitMs });
  // Playwright itself waits for a toggle marked disabled: force the click through to see the menu refuse it.
  await receiptsToggle.click({ force: true });
  assert(!(await receiptsToggle.isChecked()), 'the click changed nothing');
  assert(await receiptsToggle.evaluate((el) => el.indeterminate && el.getAttribute('aria-disabled') === 'true'), 'the toggle shows neither on nor off and takes no clicks');
  await closeSettings();
  await bob.page.unroute('**/api/me/settings', refuseGet);
  assertEqual(await settingsOf(bobApi), { hidePresence: false, hideReadReceipts: false }, "bob's settings on the server after the failed load");

  t.step('bob opens his settings again: both on, as the server has them');
  await openSettings();
  assertEqual(await bob.page.getByTestId('settings-error').textContent(), '', 'no error once loaded');
  assert(await presenceToggle.isChecked(), '"Show when I\'m online" is on');
  assert(await receiptsToggle.isChecked(), '"Send read receipts" is on');

  t.step('a save the server refuses: bob sees why, the toggle goes back, nothing changed');
  const failing = refusing('PUT');
  await bob.page.route('**/api/me/settings', failing);
  await receiptsToggle.click();
  await bob.page.getByTestId('settings-error').filter({ hasText: 'Not saved: The node is busy, try again.' }).waitFor({ timeout: WaitMs });
  await menuReady();
  assert(await receiptsToggle.isChecked(), 'the toggle is back on after the failed save');
  assertEqual(await settingsOf(bobApi), { hidePresence: false, hideReadReceipts: false }, "bob's settings on the server after the failed save");
  await t.shot(bob, 'bob-save-failed');
  await bob.page.unroute('**/api/me/settings', failing);

  t.step('bob turns off "Send read receipts"');
  await receiptsToggle.click();
  await menuReady();
  assert(!(await receiptsToggle.isChecked()), 'the toggle stays off once saved');
  assertEqual(await bob.page.getByTestId('settings-error').textContent(), '', 'no error once saved');
  assertEqual(await settingsOf(bobApi), { hidePresence: false, hideReadReceipts: true }, "bob's settings on the server");
  await t.shot(bob, 'bob-receipts-off');

  t.step('alice, with the group open, sees that carol read her message but not bob, and no read tick');
  await readBy.filter({ hasText: `Read by 1 · ${carolId}` }).waitFor({ timeout: WaitMs });
  await tick(alice, 'Chapter 3 tonight?', 'delivered');
  assert(!(await readBy.textContent()).includes(bobId), '"Read by" does not name bob');
  await t.shot(alice, 'alice-group-not-read-by-bob');

  t.step('bob, with the direct conversation open, no longer sees that alice read his message');
  await tick(bob, 'Hi alice', 'delivered');
  assertEqual(await readTicks(bob), 0, 'read ticks on bob\'s screen');
  await closeSettings();

  t.step('alice writes, bob reads it and answers: alice sees it delivered, not read');
  await alice.open(direct);
  await alice.send('Did you get the book?');
  await bob.waitForBodies(['Hi alice', 'Did you get the book?']);
  const [, asked] = await aliceApi.history(direct);
  await readOnServer(bobApi, direct, asked.seq);
  await bob.send('Yes, reading it now');
  await alice.waitForBodies(['Hi alice', 'Did you get the book?', 'Yes, reading it now']);
  // Bob read it and wrote after it, which otherwise counts as read; a fresh look asks the server again.
  await alice.open(group);
  await alice.open(direct);
  await alice.waitForBodies(['Hi alice', 'Did you get the book?', 'Yes, reading it now']);
  await tick(alice, 'Did you get the book?', 'delivered');
  assertEqual(await readTicks(alice), 0, 'read ticks on alice\'s screen');

  t.step('alice has read bob\'s answer: bob, who shares no receipts, sees his messages delivered, not read');
  const answer = (await bobApi.history(direct)).at(-1);
  await readOnServer(aliceApi, direct, answer.seq);
  await bob.open(group);
  await bob.open(direct);
  await bob.waitForBodies(['Hi alice', 'Did you get the book?', 'Yes, reading it now']);
  await tick(bob, 'Yes, reading it now', 'delivered');
  await tick(bob, 'Hi alice', 'delivered');
  assertEqual(await readTicks(bob), 0, 'read ticks on bob\'s screen');
  await t.shot(bob, 'bob-no-read-ticks');
  await t.shot(alice, 'alice-no-read-ticks');

  t.step('bob turns off "Show when I\'m online": alice sees him not online while he is connected');
  await openSettings();
  assert(!(await receiptsToggle.isChecked()), 'the menu shows read receipts off, as the server has them');
  await presenceToggle.click();
  await menuReady();
  assert(!(await presenceToggle.isChecked()), 'the toggle stays off once saved');
  assertEqual(await settingsOf(bobApi), { hidePresence: true, hideReadReceipts: true }, "bob's settings on the server");
  await t.shot(bob, 'bob-settings-off');
  await closeSettings();
  await bob.waitForStatus('online');
  assert((await bobApi.call('GET', `/api/users/${bobId}/presence`)).online, 'bob is still connected (he sees himself online)');
  // The pane asks for presence when it opens.
  await alice.open(group);
  await alice.open(direct);
  const presence = alice.page.getByTestId('presence');
  await alice.page.locator('[data-testid="presence"][data-online="false"]').waitFor({ state: 'attached', timeout: WaitMs });
  assertEqual(await presence.textContent(), '', 'what alice\'s pane says of bob (neither online nor last seen)');
  assertEqual(await alice.page.locator('[data-testid="presence"][data-online="true"]').count(), 0, 'online dots on alice\'s screen');
  await t.shot(alice, 'alice-bob-hidden');

  t.step('bob turns read receipts back on: his open conversation shows alice\'s read again');
  await openSettings();
  await receiptsToggle.click();
  await menuReady();
  assertEqual(await settingsOf(bobApi), { hidePresence: true, hideReadReceipts: false }, "bob's settings on the server");
  await tick(bob, 'Yes, reading it now', 'read');
});
