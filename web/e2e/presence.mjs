// Two users side by side in a direct conversation: alice sees bob online (a dot), sees him typing,
// sees the indicator go out by itself and at once when his message comes, and sees "last seen"
// after he leaves. Screenshots: both panes while bob types.
import { assert, Phone, scenario, WaitMs } from './lib.mjs';

await scenario('presence', async (t) => {
  const [aliceId, bobId] = [t.user('alice'), t.user('bob')];
  const bobApi = await t.api(bobId);
  const id = (await bobApi.call('POST', '/api/conversations', { members: [aliceId], kind: 'direct' })).conversationId;
  // A device learns who the other one in a direct conversation is from their first message.
  await bobApi.send(id, 'Hi alice');

  const alice = await t.device('alice', Phone);
  const bob = await t.device('bob');
  t.step('both sign in and open the conversation: alice sees bob online');
  await alice.signIn(aliceId);
  await bob.signIn(bobId);
  await bob.open(id);
  await alice.open(id);
  await alice.page.locator('[data-testid="presence"][data-online="true"]', { hasText: 'online' }).waitFor({ timeout: WaitMs });

  const typing = alice.page.getByTestId('typing');
  t.step('bob types: alice sees it, then it goes out by itself');
  await bob.page.getByTestId('composer').fill('Hel');
  await typing.filter({ hasText: `${bobId} is typing` }).waitFor({ timeout: WaitMs });
  await t.shot(alice, 'alice-sees-typing');
  await t.shot(bob, 'bob-types');
  await alice.page.waitForFunction(() => document.querySelector('[data-testid="typing"]')?.textContent === '', null, { timeout: WaitMs });

  t.step('bob types again and sends: the indicator goes with his message');
  await bob.page.getByTestId('composer').fill('Hello there');
  await typing.filter({ hasText: `${bobId} is typing` }).waitFor({ timeout: WaitMs });
  await bob.page.getByTestId('composer').press('Enter');
  await alice.waitForBodies(['Hi alice', 'Hello there']);
  assert((await typing.textContent()) === '', 'the typing line is empty once the message is there');

  t.step('bob signs out: alice sees when he was last seen');
  await bob.page.getByTestId('sign-out').click();
  await bob.page.getByTestId('user-id').waitFor({ timeout: WaitMs });
  const deadline = Date.now() + WaitMs;
  for (;;) {
    await alice.page.getByTestId('back').click();
    await alice.open(id);
    const presence = alice.page.getByTestId('presence');
    await presence.filter({ hasText: /online|last seen/ }).waitFor({ timeout: WaitMs });
    const text = await presence.textContent();
    t.step(`alice's pane says: ${text}`);
    if (text.startsWith('last seen')) break;
    assert(Date.now() < deadline, 'bob shows as last seen soon after signing out');
  }
  assert(await alice.page.locator('[data-testid="presence"][data-online="false"]').count() === 1, 'no online dot');
  await t.shot(alice, 'alice-sees-last-seen');
});
