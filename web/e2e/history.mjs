// Scrolling back pages older history in from the server down to the first message (roaming: a new
// device sees everything). Screenshot: the top of the conversation.
import { assertEqual, scenario, WaitMs } from './lib.mjs';

const Count = 250;

await scenario('history', async (t) => {
  const frankId = t.user('frank');
  const erin = await t.api(t.user('erin'));
  const id = await erin.createGroup('Project log', [frankId]);
  t.step(`erin writes ${Count} messages, 25 at a time`);
  for (let i = 1; i <= Count; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, Count - i + 1) }, (_, k) => erin.send(id, `Entry ${i + k}`)));
  }
  const stored = await erin.history(id);
  assertEqual(stored.map((m) => m.seq), Array.from({ length: Count }, (_, i) => i + 1), 'the stored seqs');

  const frank = await t.device('frank');
  t.step('frank opens the conversation on a new device: the newest messages first');
  await frank.signIn(frankId);
  await frank.open(id);
  await frank.page.locator(`[data-testid="message"][data-seq="${Count}"]`).waitFor();

  t.step('frank scrolls up until the beginning of the conversation');
  const messages = frank.page.getByTestId('messages');
  for (let round = 0; round < 40; round++) {
    if (await frank.page.getByTestId('history-start').count()) break;
    const shown = await frank.page.locator('[data-testid="message"]').count();
    await messages.evaluate((el) => el.scrollTo(0, 0));
    await frank.page.waitForFunction(
      (shown) => document.querySelectorAll('[data-testid="message"]').length > shown || document.querySelector('[data-testid="history-start"]'),
      shown,
      { timeout: WaitMs },
    );
  }
  await frank.page.getByTestId('history-start').waitFor();
  await messages.evaluate((el) => el.scrollTo(0, 0));
  await t.shot(frank, 'first-message');

  const shown = await frank.messages();
  assertEqual(shown.map((m) => m.seq), Array.from({ length: Count }, (_, i) => i + 1), 'the seqs shown');
  assertEqual(shown.map((m) => m.body), stored.map((m) => m.body), 'the bodies shown, by seq');
  assertEqual(new Set(shown.map((m) => m.body)).size, Count, 'distinct messages shown');
  await frank.waitForUnread(id, 0);
});
