// Replies and typed content in two browsers side by side: bob replies to alice from the message
// menu, and both see the quoted block above the reply; an image shows as an image, a file as a link
// with its name and size, and a type the web client does not know as its fallback body; alice
// replies to the image. A recall blanks the quote on both screens and in both browsers' caches.
// Screenshots: the reply bar above bob's composer; the conversation on both sides.
import { assert, assertEqual, scenario, WaitMs } from './lib.mjs';

await scenario('replies', async (t) => {
  const [aliceId, bobId] = [t.user('alice'), t.user('bob')];
  const alice = await t.device('alice');
  const bob = await t.device('bob');
  await alice.signIn(aliceId);
  await bob.signIn(bobId);
  const bobApi = await t.api(bobId);
  const aliceApi = await t.api(aliceId);
  const id = await aliceApi.createGroup('Weekend trip', [bobId]);

  const bubble = (device, seq) => device.page.locator(`[data-testid="message"][data-seq="${seq}"]`);
  const shown = (device, seq) => bubble(device, seq).waitFor({ timeout: WaitMs });
  const quoteOf = async (device, seq) => {
    const quote = bubble(device, seq).getByTestId('quote');
    await quote.waitFor({ timeout: WaitMs });
    return { sender: await quote.locator('.quote-sender').textContent(), snippet: await quote.locator('.quote-snippet').textContent() };
  };
  const replyFromMenu = async (device, seq, text) => {
    await bubble(device, seq).hover();
    await bubble(device, seq).getByTestId('message-menu').click();
    await bubble(device, seq).getByTestId('menu-reply').click();
    await device.page.getByTestId('reply-bar').waitFor({ state: 'visible', timeout: WaitMs });
    await device.page.getByTestId('composer').fill(text);
  };

  t.step('alice asks; bob replies from the message menu, the reply bar quoting her');
  await alice.conversation(id).waitFor({ timeout: WaitMs });
  await alice.open(id);
  await alice.send('Shall we hike up the ridge on Saturday, or is the weather going to be too bad for that?');
  await bob.conversation(id).waitFor({ timeout: WaitMs });
  await bob.open(id);
  await shown(bob, 1);
  await replyFromMenu(bob, 1, "Saturday works, I'll bring snacks");
  assert((await bob.page.getByTestId('reply-bar').textContent()).includes('Shall we hike up the ridge'), 'the reply bar quotes alice');
  await t.shot(bob, 'reply-bar');
  await bob.page.getByTestId('composer').press('Enter');
  await bob.page.getByTestId('reply-bar').waitFor({ state: 'hidden', timeout: WaitMs });

  t.step('both see the reply with the quoted block above it');
  await shown(alice, 2);
  await shown(bob, 2);
  assertEqual(await quoteOf(alice, 2), { sender: 'You', snippet: 'Shall we hike up the ridge on Saturday, or is the weather going to be too bad for that?' },
    "the quote on alice's screen (her own message: You)");
  assertEqual((await quoteOf(bob, 2)).sender, aliceId, "the quote's sender on bob's screen");
  assertEqual(await bubble(alice, 2).getByTestId('message-body').textContent(), "Saturday works, I'll bring snacks", 'the reply body');

  t.step('bob sends an image, a file and a poll the web client does not know');
  const imageUrl = new URL('/favicon.svg', t.baseUrl).href;
  await bobApi.call('POST', `/api/conversations/${id}/messages`,
    { clientMsgId: 'img-1', contentType: 'image', content: { url: imageUrl, size: 812, mediaType: 'image/svg+xml', name: 'map.svg', width: 96, height: 96 } });
  await bobApi.call('POST', `/api/conversations/${id}/messages`,
    { clientMsgId: 'file-1', contentType: 'file', content: { url: 'https://files.example/trip/itinerary.pdf', size: 52_000, mediaType: 'application/pdf', name: 'itinerary.pdf' } });
  await bobApi.call('POST', `/api/conversations/${id}/messages`,
    { clientMsgId: 'poll-1', body: 'Poll: Saturday or Sunday?', contentType: 'x-poll', content: { options: ['Saturday', 'Sunday'] } });
  for (const device of [alice, bob]) await shown(device, 5);

  const image = bubble(alice, 3).getByTestId('message-image');
  await image.waitFor({ timeout: WaitMs });
  assertEqual(await image.getAttribute('src'), imageUrl, 'the image is the URL of its content');
  await alice.page.waitForFunction((seq) => document.querySelector(`[data-testid="message"][data-seq="${seq}"] img`)?.naturalWidth > 0, 3, { timeout: WaitMs });
  const file = bubble(alice, 4).getByTestId('message-file');
  assertEqual([await file.getAttribute('href'), await file.locator('.msg-file-name').textContent(), await file.locator('.msg-file-size').textContent()],
    ['https://files.example/trip/itinerary.pdf', 'itinerary.pdf', '51 KB'], 'the file link, its name and size');
  const poll = bubble(alice, 5).getByTestId('message-body');
  assertEqual([await poll.textContent(), await poll.getAttribute('data-fallback')], ['Poll: Saturday or Sunday?', ''], 'the unknown type shows its fallback body');
  assertEqual(await bubble(bob, 3).getByTestId('message-image').count(), 1, "the image on bob's screen");

  t.step('alice replies to the image: the quote names what it was');
  await replyFromMenu(alice, 3, 'Nice map!');
  await alice.page.getByTestId('composer').press('Enter');
  await shown(bob, 6);
  assertEqual(await quoteOf(bob, 6), { sender: 'You', snippet: '[image: map.svg]' }, "the quote of bob's own image on his screen");
  await t.shot(alice, 'conversation-alice');
  await t.shot(bob, 'conversation-bob');

  t.step('alice recalls her question: the quote above the reply says so on both screens');
  await aliceApi.recall(id, 1);
  for (const device of [alice, bob]) {
    await device.page.locator('[data-testid="message"][data-seq="2"] [data-testid="quote"][data-recalled]').waitFor({ timeout: WaitMs });
    assertEqual((await quoteOf(device, 2)).snippet, 'This message was recalled', `the quote of the recalled question on ${device.label}'s screen`);
  }

  t.step("the recalled text is gone from each browser's cache too, not only from the screen");
  const cachedQuote = (device, userId) => device.page.evaluate(([db, key]) => new Promise((resolve, reject) => {
    const open = indexedDB.open(db);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('messages').objectStore('messages').get(key);
      get.onsuccess = () => { open.result.close(); resolve(get.result?.quote ?? null); };
      get.onerror = () => reject(get.error);
    };
  }), [`seqline:${userId}`, [id, 2]]);
  for (const [device, userId] of [[alice, aliceId], [bob, bobId]]) {
    assertEqual(await cachedQuote(device, userId), { senderId: aliceId, snippet: '', recalled: true }, `the cached quote on ${device.label}'s device`);
  }
});
