// One Chromium for many scenarios. The web client's test fixture starts this once for its node and
// hands each scenario the endpoint (SEQLINE_BROWSER_WS), so a scenario opens its devices as fresh
// browser contexts (own storage, own IndexedDB) in a browser already running instead of launching
// one of its own: a launch and close cost about 2 s of CPU (the 14 scenarios' class went from 108 s to about 94).
// Prints `ws <endpoint>` once ready; runs until its stdin closes (the test process is gone) or it
// is signalled. Listens on 127.0.0.1 only.
import { chromium } from 'playwright-core';
import { ChromiumArgs, ChromiumPath } from './lib.mjs';

const server = await chromium.launchServer({
  executablePath: ChromiumPath,
  headless: true,
  args: ChromiumArgs,
  host: '127.0.0.1',
});
console.log(`ws ${server.wsEndpoint()}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close().catch(() => {});
  process.exit(0);
}
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
