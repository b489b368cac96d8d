// A tap on a device's SignalR socket (playwright's routeWebSocket, between the page and the
// node): it can hold what the server sends, lose one push, and cut the connection, so that the
// scenarios can check the client's sync rules without waiting on timers.
import { WaitMs } from './lib.mjs';

/** SignalR's JSON protocol ends every message of a frame with this character. */
const RecordSeparator = '\x1e';
const SyncHub = /\/hubs\/sync(\?|$)/;

export class HubTap {
  constructor() {
    /** Open connections: the page's side and the server's side of each. */
    this.connections = new Set();
    this.opened = 0;
    this.held = null;
    this.lose = null;
    this.lost = [];
  }

  /** Taps every hub socket the device opens from now on, in any of its tabs. */
  static async attach(device) {
    const tap = new HubTap();
    await device.context.routeWebSocket(SyncHub, (page) => tap.route(page));
    return tap;
  }

  route(page) {
    const server = page.connectToServer();
    const connection = { page, server };
    this.connections.add(connection);
    this.opened++;
    server.onMessage((frame) => this.fromServer(page, frame));
    server.onClose((code, reason) => {
      this.connections.delete(connection);
      void page.close({ code, reason }).catch(() => {});
    });
    page.onClose((code, reason) => {
      this.connections.delete(connection);
      void server.close({ code, reason }).catch(() => {});
    });
  }

  fromServer(page, frame) {
    if (this.held) this.held.push({ page, frame });
    else this.deliver(page, frame);
  }

  deliver(page, frame) {
    if (typeof frame !== 'string' || !this.lose) return page.send(frame);
    const kept = frame.split(RecordSeparator).filter((m) => m.length > 0 && !this.loses(JSON.parse(m)));
    if (kept.length > 0) page.send(kept.map((m) => m + RecordSeparator).join(''));
  }

  /** True for the push the test chose to lose, which is then lost (once). */
  loses(message) {
    if (message.type !== 1 || message.target !== 'events' || !this.lose.matches(message.arguments[0])) return false;
    this.lost.push(message.arguments[0]);
    this.lose.resolve();
    this.lose = null;
    return true;
  }

  /** The next push whose events include a message with this body never reaches the page. */
  losePushOf(body) {
    let resolve;
    const done = new Promise((r) => (resolve = r));
    this.lose = { matches: (push) => push.events.some((e) => e.type === 'message' && e.body === body), resolve };
    return { lost: () => within(done, `the push of "${body}" to be lost`) };
  }

  /** Keeps everything the server sends (pushes, answers to Sync, pings) until `release`. */
  hold() {
    this.held ??= [];
  }

  release() {
    const held = this.held ?? [];
    this.held = null;
    for (const { page, frame } of held) this.deliver(page, frame);
  }

  /** Drops every open connection, as a network failure would; the page stays online. */
  async cut() {
    const open = [...this.connections];
    this.connections.clear();
    for (const { page, server } of open) {
      await server.close({ code: 1011, reason: 'cut by the test' }).catch(() => {});
      await page.close({ code: 1011, reason: 'cut by the test' }).catch(() => {});
    }
    return open.length;
  }
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WaitMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
