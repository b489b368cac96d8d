// A browser app served from another origin than the node. The node names one origin in
// Seqline:Cors:AllowedOrigins (the test that runs this sets http://app.localhost:5173): a page from
// there lists the user's conversations over HTTP and connects to the hub with SignalR's browser
// client, credentials and all; a page from an origin it does not name can do neither. Both pages
// are served by playwright itself (*.localhost is loopback: no network, no DNS).
import { readFileSync } from 'node:fs';
import { assert, assertEqual, scenario } from './lib.mjs';

const Allowed = 'http://app.localhost:5173';
const Stranger = 'http://other.localhost:5173';
const signalr = readFileSync(new URL('../node_modules/@microsoft/signalr/dist/browser/signalr.min.js', import.meta.url));

await scenario('cors', async (t) => {
  const alice = await t.api(t.user('alice'));
  const id = await alice.createGroup('Elsewhere', [t.user('bob')]);
  const app = await t.device('app');
  await app.context.route(/^http:\/\/(app|other)\.localhost:5173\//, (route) =>
    new URL(route.request().url()).pathname === '/signalr.js'
      ? route.fulfill({ contentType: 'application/javascript', body: signalr })
      : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>another app</title><script src="/signalr.js"></script>' }));

  // What a page of `origin` gets from the node: the conversation list, and whether the hub connects.
  const from = async (origin) => {
    await app.page.goto(`${origin}/`);
    return app.page.evaluate(async ([node, token]) => {
      const seen = {};
      try {
        const response = await fetch(`${node}/api/conversations`, { headers: { authorization: `Bearer ${token}` } });
        seen.list = (await response.json()).map((c) => c.conversationId);
      } catch (error) {
        seen.list = `refused: ${error.message}`;
      }
      const hub = new signalR.HubConnectionBuilder()
        .withUrl(`${node}/hubs/sync`, { accessTokenFactory: () => token })
        .configureLogging(signalR.LogLevel.None)
        .build();
      try {
        await hub.start();
        seen.hub = hub.state;
        await hub.stop();
      } catch (error) {
        seen.hub = `refused: ${error.message}`;
      }
      return seen;
    }, [t.baseUrl, alice.token]);
  };

  t.step('a page of the named origin lists the conversations and connects to the hub');
  const allowed = await from(Allowed);
  assertEqual(allowed, { list: [id], hub: 'Connected' }, 'what the named origin gets');

  t.step('a page of another origin gets neither');
  const stranger = await from(Stranger);
  assert(String(stranger.list).startsWith('refused'), `the stranger's fetch is refused by the browser: ${JSON.stringify(stranger)}`);
  assert(String(stranger.hub).startsWith('refused'), `the stranger's hub is refused by the browser: ${JSON.stringify(stranger)}`);
  // Chromium asks the user before a page it takes for a public site reaches a loopback address (Local
  // Network Access), and pages playwright serves itself have no address: these are taken for public.
  // A real app and a real node are both public, so the check has no part in what is tested here.
}, ['--disable-features=LocalNetworkAccessChecks']);
