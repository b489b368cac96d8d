// Edits and reactions in two browsers side by side: alice and bob in a group of two. Bob
// reacts from the message menu and alice sees the chip; alice reacts too, then edits her message
// from the menu and both see the new text marked "edited". Neither change counts as unread for the
// one who has read everything. A press on a reaction while the message changes under it still
// counts when released. Bob takes his reaction back by clicking his chip.
// Screenshots: the reactions on both sides, the edited message on both sides.
import { assertEqual, scenario, WaitMs } from './lib.mjs';

await scenario('edits', async (t) => {
  const [aliceId, bobId] = [t.user('alice'), t.user('bob')];
  const alice = await t.device('alice');
  const bob = await t.device('bob');
  await alice.signIn(aliceId);
  await bob.signIn(bobId);
  const id = await (await t.api(aliceId)).createGroup('Lunch', [bobId]);
  await alice.open(id);
  await alice.send('Lunch at 12:30 on Fridy?');
  await bob.conversation(id).waitFor({ timeout: WaitMs });
  await bob.open(id);
  await bob.waitForBodies(['Lunch at 12:30 on Fridy?']);

  const chip = (device, emoji, count) => device.page.locator(`[data-testid="reaction"][data-emoji="${emoji}"]`).filter({ hasText: `${emoji} ${count}` });
  const react = async (device, emoji) => {
    const message = device.page.getByTestId('message').first();
    await message.hover();
    await message.locator(`[data-testid="react"][data-emoji="${emoji}"]`).click();
  };

  t.step('bob reacts from the message menu; both see the chip');
  await react(bob, '👍');
  await chip(bob, '👍', 1).waitFor({ timeout: WaitMs });
  await chip(alice, '👍', 1).waitFor({ timeout: WaitMs });

  t.step('alice reacts with the same emoji and another: the counts add up on both sides');
  await react(alice, '👍');
  await react(alice, '🎉');
  for (const device of [alice, bob]) {
    await chip(device, '👍', 2).waitFor({ timeout: WaitMs });
    await chip(device, '🎉', 1).waitFor({ timeout: WaitMs });
  }
  await t.shot(alice, 'reactions-alice');
  await t.shot(bob, 'reactions-bob');

  t.step('alice edits her message from the menu; both see the new text marked edited');
  const mine = alice.page.getByTestId('message').first();
  await mine.hover();
  await mine.getByTestId('edit').click();
  const composer = alice.page.getByTestId('composer');
  assertEqual(await composer.inputValue(), 'Lunch at 12:30 on Fridy?', 'the text the composer offers for editing');
  await composer.fill('Lunch at 12:30 on Friday?');
  await composer.press('Enter');
  for (const device of [alice, bob]) {
    await device.waitForBodies(['Lunch at 12:30 on Friday?'], 'the edited message');
    await device.page.getByTestId('edited').waitFor({ timeout: WaitMs });
  }
  await alice.waitForPreview(id, 'Friday?');
  await t.shot(alice, 'edited-alice');
  await t.shot(bob, 'edited-bob');

  t.step('a press on a reaction outlasts the message changing under it: the click counts');
  // Bob presses ❤️; before he lets go, alice edits the message again, which rebuilds its bubble.
  const bobsMessage = bob.page.getByTestId('message').first();
  await bobsMessage.hover();
  const heart = await bobsMessage.locator('[data-testid="react"][data-emoji="❤️"]').boundingBox();
  await bob.page.mouse.move(heart.x + heart.width / 2, heart.y + heart.height / 2);
  await bob.page.mouse.down();
  const seq = await bobsMessage.getAttribute('data-seq');
  await (await t.api(aliceId)).call('PUT', `/api/conversations/${id}/messages/${seq}`, { body: 'Lunch at 12:30 on Friday? Usual place' });
  // Bob's pane has the edit: held back under his press, or (if not) in the rebuilt bubble.
  await bob.page.waitForFunction(() => document.querySelector('[data-testid="messages"]')?.dataset.held !== undefined
    || document.querySelector('[data-testid="message-body"]')?.textContent.endsWith('Usual place'), null, { timeout: WaitMs });
  await bob.page.mouse.up();
  await chip(bob, '❤️', 1).waitFor({ timeout: WaitMs });
  await chip(alice, '❤️', 1).waitFor({ timeout: WaitMs });
  // Once released, the held bubble shows the edit.
  await bob.waitForBodies(['Lunch at 12:30 on Friday? Usual place'], 'the message edited under the press');

  t.step('a keyboard user keeps their place when the message changes: the focused control is focused again');
  await bobsMessage.locator('[data-testid="react"][data-emoji="😂"]').focus();
  await (await t.api(aliceId)).call('PUT', `/api/conversations/${id}/messages/${seq}`, { body: 'Lunch at 12:30 on Friday? Usual place, 2nd floor' });
  await bob.waitForBodies(['Lunch at 12:30 on Friday? Usual place, 2nd floor'], 'the message edited under the focus');
  const focused = await bob.page.evaluate(() => `${document.activeElement?.dataset.testid}:${document.activeElement?.dataset.emoji}`);
  assertEqual(focused, 'react:😂', 'what has the focus after the bubble was rebuilt');
  await bob.page.keyboard.press('Enter');
  await chip(alice, '😂', 1).waitFor({ timeout: WaitMs });

  t.step('bob takes his reaction back with a click on his chip; no change counts as unread');
  await chip(bob, '👍', 2).click();
  await chip(alice, '👍', 1).waitFor({ timeout: WaitMs });
  await chip(bob, '👍', 1).waitFor({ timeout: WaitMs });
  await alice.waitForUnread(id, 0);
  await bob.waitForUnread(id, 0);
  assertEqual(await alice.page.getByTestId('message').count(), 1, 'messages alice sees (changes show through the message)');
});
