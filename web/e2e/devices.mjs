// One user on two devices (a laptop and a phone, two browser contexts): both show the same
// conversation, reading on one clears the badge on the other, and a message sent from one is the
// user's own on the other; a message its sender recalls turns into a tombstone on both.
// Screenshots: the phone's list and conversation.
import { assertEqual, Phone, scenario } from './lib.mjs';

await scenario('devices', async (t) => {
  const bobId = t.user('bob');
  const carol = await t.api(t.user('carol'));
  const id = await carol.createGroup('Book club', [bobId]);
  await carol.send(id, 'Chapter three tonight?');
  await carol.send(id, 'I will bring the tea.');

  const laptop = await t.device('laptop');
  const phone = await t.device('phone', Phone);
  t.step('bob signs in on both devices: each lists the conversation with 2 unread');
  await laptop.signIn(bobId);
  await phone.signIn(bobId);
  await laptop.waitForUnread(id, 2);
  await phone.waitForUnread(id, 2);
  await t.shot(phone, 'phone-list');

  t.step('reading on the laptop clears the badge on the phone');
  await laptop.open(id);
  await laptop.waitForBodies(['Chapter three tonight?', 'I will bring the tea.']);
  await laptop.waitForUnread(id, 0);
  await phone.waitForUnread(id, 0);

  t.step('a message sent from the phone shows on the laptop as bob\'s own');
  await phone.open(id);
  await phone.waitForBodies(['Chapter three tonight?', 'I will bring the tea.']);
  await phone.send('Count me in!');
  await laptop.waitForBodies(['Chapter three tonight?', 'I will bring the tea.', 'Count me in!']);
  await laptop.page.locator('[data-testid="message"].mine', { hasText: 'Count me in!' }).waitFor();

  t.step('carol writes again while the laptop has the conversation open: read on the phone too');
  await phone.page.getByTestId('back').click();
  await carol.send(id, 'Great, see you at eight.');
  await phone.waitForPreview(id, 'see you at eight');
  await laptop.waitForBodies(['Chapter three tonight?', 'I will bring the tea.', 'Count me in!', 'Great, see you at eight.']);
  await phone.waitForUnread(id, 0);

  t.step('carol recalls a message: both devices show a tombstone in its place');
  await carol.recall(id, 2);
  const after = ['Chapter three tonight?', 'This message was recalled', 'Count me in!', 'Great, see you at eight.'];
  await laptop.waitForBodies(after, 'the recalled message as a tombstone');

  t.step('both devices show the same messages');
  await phone.open(id);
  await phone.waitForBodies(after);
  assertEqual(await phone.messages(), await laptop.messages(), 'the phone and the laptop');
  assertEqual((await phone.messages()).map((m) => m.seq), [1, 2, 3, 4], 'the seqs');
  await t.shot(phone, 'phone-conversation');
});
