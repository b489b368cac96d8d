// The load generator of `bench peer` (bench/Scenarios/Peer): the same users, pairs, loops and
// clocks against Seqline (SignalR hub or HTTP sends) and against an XMPP server (ejabberd), so that
// the only thing that differs between the targets is the driver that talks to the server.
//
//   node loadgen.mjs <config.json> <result.json>
//
// The config comes from the C# side (PeerScenario), which starts the servers, makes the tokens or
// accounts, and reads each server's CPU and memory while this runs. Progress goes to stdout as one
// JSON object a line ({"event":"phase-start"|"window-end"|"phase-end"|"info", ...}) so that the C#
// side can cut its CPU and memory readings at the same moments; the figures go to <result.json>.
//
// Latency is counted from the moment a send was due to the moment the recipient's client library
// handed the message over. A closed loop's send is due when its worker issues it; an open loop's
// send is due at its slot in the schedule (start + k / rate), whether or not the generator got
// to issue it on time, so a server that falls behind is charged for the wait (no coordinated omission).

import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as signalR from "@microsoft/signalr";
import { client as xmppClient, xml } from "@xmpp/client";

const [configPath, resultPath] = process.argv.slice(2);
if (!configPath || !resultPath) {
  console.error("usage: node loadgen.mjs <config.json> <result.json>");
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, "utf8"));

const emit = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
const info = (text) => emit("info", { text });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

// ---- Message bookkeeping, shared by every driver --------------------------------------------------

/** Messages sent and not yet delivered: key → { due, phase }. */
const pending = new Map();
let duplicates = 0;
let strays = 0;
let nextKey = 0;
const padding = "x".repeat(Math.max(0, (config.bodyBytes ?? 100) - 16));

function newPhase(spec) {
  return {
    name: spec.name,
    offeredRate: spec.rate ?? null,
    concurrency: spec.concurrency ?? null,
    seconds: 0,
    sent: 0,
    acked: 0,
    failed: 0,
    skipped: 0,
    delivered: 0,
    inFlight: 0,
    unacked: 0,
    drainSeconds: 0,
    drained: false,
    deliveryUs: [],
    ackUs: [],
    errors: {},
  };
}

/** The body carries the message's key; the recipient reads it back to find when the send was due. */
function bodyOf(key) {
  return `m${key};${padding}`;
}

function keyOf(body) {
  if (typeof body !== "string" || body[0] !== "m") return null;
  const end = body.indexOf(";");
  return end < 0 ? null : Number(body.slice(1, end));
}

/** A recipient's client handed over a message: record its latency once. */
function delivered(body) {
  const key = keyOf(body);
  if (key === null) {
    strays++;
    return;
  }
  const entry = pending.get(key);
  if (!entry) {
    duplicates++;
    return;
  }
  pending.delete(key);
  entry.phase.delivered++;
  entry.phase.deliveryUs.push(Math.round((now() - entry.due) * 1000));
}

function noteError(phase, error) {
  const text = String(error?.message ?? error).slice(0, 160);
  phase.errors[text] = (phase.errors[text] ?? 0) + 1;
}

/** One send: registers the message, calls the driver, records the ack. */
async function sendOne(driver, phase, slot, due) {
  const key = nextKey++;
  const pair = config.pairs[Math.floor(slot / 2) % config.pairs.length];
  const [from, to] = slot % 2 === 0 ? [pair.a, pair.b] : [pair.b, pair.a];
  pending.set(key, { due, phase });
  phase.sent++;
  phase.inFlight++;
  try {
    await driver.send(from, to, pair, `c${key}`, bodyOf(key));
    phase.acked++;
    phase.ackUs.push(Math.round((now() - due) * 1000));
  } catch (error) {
    phase.failed++;
    noteError(phase, error);
  } finally {
    phase.inFlight--;
  }
}

// ---- Loops ---------------------------------------------------------------------------------------

/** A closed loop: `concurrency` workers, each sending its next message as soon as the last is acked. */
async function closedLoop(driver, phase, seconds, concurrency) {
  const end = now() + seconds * 1000;
  let slot = 0;
  const worker = async () => {
    while (now() < end) await sendOne(driver, phase, slot++, now());
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** An open loop: send k is due at start + k / rate, sent then (or as soon as the generator can). */
async function openLoop(driver, phase, seconds, rate, maxOutstanding) {
  const start = now();
  const end = start + seconds * 1000;
  const interval = 1000 / rate;
  let k = 0;
  while (true) {
    const t = now();
    while (k * interval + start <= t && k * interval + start < end) {
      const due = start + k * interval;
      if (phase.inFlight >= maxOutstanding) phase.skipped++;
      else sendOne(driver, phase, k, due);
      k++;
    }
    if (start + k * interval >= end) break;
    await sleep(Math.max(0, Math.min(1, start + k * interval - now())));
  }
  // The window ends with the schedule; sends still waiting for their acks are the drain's to wait for.
}

async function drain(phase, timeoutSeconds) {
  const start = now();
  const until = start + timeoutSeconds * 1000;
  while (now() < until) {
    if (phase.inFlight === 0 && phase.delivered >= phase.sent - phase.failed) {
      phase.drained = true;
      break;
    }
    await sleep(5);
  }
  phase.drainSeconds = (now() - start) / 1000;
  phase.unacked = phase.inFlight;
  if (!phase.drained) info(`${phase.name}: not drained after ${timeoutSeconds} s: ${phase.inFlight} sends unacknowledged, ${phase.delivered} of ${phase.sent - phase.failed} delivered`);
}

// ---- Seqline: SignalR hub pushes, sends over the hub or over HTTP --------------------------------

function seqlineDriver() {
  const s = config.seqline;
  const users = new Map(s.users.map((u) => [u.id, { ...u, hub: null, cursor: null, pulling: false, again: false }]));

  function apply(user, events) {
    for (const e of events ?? []) {
      if (e.type === "message" && e.senderId !== user.id) delivered(e.body);
    }
  }

  /** A push that does not follow the device's cursor: pull from the cursor, as the client library does. */
  async function pull(user) {
    if (user.pulling) {
      user.again = true;
      return;
    }
    user.pulling = true;
    try {
      do {
        user.again = false;
        let more = true;
        while (more) {
          const page = await user.hub.invoke("Sync", user.cursor, 500);
          apply(user, page.events);
          user.cursor = page.cursor;
          more = page.hasMore === true;
        }
      } while (user.again);
    } finally {
      user.pulling = false;
    }
  }

  return {
    name: config.variant === "http" ? "Seqline (HTTP sends)" : "Seqline (hub sends)",
    async connect() {
      await forEach([...users.values()], 16, async (user) => {
        let hello;
        const ready = new Promise((resolve) => (hello = resolve));
        user.hub = new signalR.HubConnectionBuilder()
          .withUrl(`${s.baseUrl}/hubs/sync`, {
            accessTokenFactory: () => user.token,
            skipNegotiation: true,
            transport: signalR.HttpTransportType.WebSockets,
          })
          .configureLogging(signalR.LogLevel.Warning)
          .build();
        user.hub.serverTimeoutInMilliseconds = 120_000;
        user.hub.on("events", (push) => {
          if (user.cursor === null) {
            // The first push after connecting: the inbox's head, nothing to apply.
            user.cursor = push.cursor;
            hello();
            return;
          }
          if (push.prevCursor === user.cursor && !user.pulling) {
            apply(user, push.events);
            user.cursor = push.cursor;
          } else pull(user).catch((error) => info(`pull for ${user.id} failed: ${error.message}`));
        });
        await user.hub.start();
        await ready;
      });
    },
    async send(from, to, pair, clientMsgId, body) {
      const user = users.get(from);
      if (config.variant === "http") {
        const response = await fetch(`${s.baseUrl}/api/conversations/${encodeURIComponent(pair.conversationId)}/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
          body: JSON.stringify({ clientMsgId, body }),
        });
        if (response.status !== 201) throw new Error(`HTTP ${response.status}`);
        await response.arrayBuffer();
      } else {
        await user.hub.invoke("SendMessage", pair.conversationId, clientMsgId, body);
      }
    },
    async close() {
      await forEach([...users.values()], 32, (u) => u.hub?.stop());
    },
  };
}

// ---- XMPP: one c2s stream a user, XEP-0198 acks for sends ----------------------------------------

function xmppDriver() {
  const x = config.xmpp;
  const users = new Map(x.users.map((name) => [name, { name, client: null, waiting: new Map() }]));

  return {
    name: "ejabberd (XMPP)",
    async connect() {
      await forEach([...users.values()], 16, async (user) => {
        const c = xmppClient({ service: x.service, domain: x.domain, username: user.name, password: x.password, resource: "bench" });
        // The bench is not testing reconnection: a dropped stream is an error, not something to hide.
        c.reconnect.stop();
        // Ask for the server's ack (<r/>) right after each burst of sends instead of 250 ms later, so
        // that send→ack measures the server, not the client's debounce.
        c.streamManagement.requestAckDebounce = 0;
        // The library drops a stream whose server has not answered for 60 s; a server working through
        // a backlog is slow, not gone: the drain's timeout is the bound here.
        c.streamManagement.timeout = 0;
        c.streamManagement.on("ack", (stanza) => {
          const id = stanza.attrs.id;
          const waiter = user.waiting.get(id);
          if (waiter) {
            user.waiting.delete(id);
            waiter.resolve();
          }
        });
        c.streamManagement.on("fail", (stanza) => {
          const waiter = user.waiting.get(stanza.attrs.id);
          if (waiter) {
            user.waiting.delete(stanza.attrs.id);
            waiter.reject(new Error("stream management: not acknowledged"));
          }
        });
        c.on("error", (error) => info(`xmpp ${user.name}: ${error.message}`));
        // Without reconnection a dropped stream acknowledges nothing more: its waiting sends fail.
        c.on("disconnect", () => {
          if (user.waiting.size > 0) info(`xmpp ${user.name}: stream dropped with ${user.waiting.size} sends unacknowledged`);
          for (const waiter of user.waiting.values()) waiter.reject(new Error("stream dropped"));
          user.waiting.clear();
        });
        c.on("stanza", (stanza) => {
          if (stanza.is("message") && stanza.attrs.type === "chat") {
            const body = stanza.getChildText("body");
            if (body !== null) delivered(body);
          }
        });
        const online = new Promise((resolve) => c.once("online", resolve));
        await c.start();
        await online;
        // Available, so that messages to the bare JID reach this session.
        await c.send(xml("presence"));
        // The server handles a stream's stanzas in order: once a ping is answered the presence is in.
        await c.iqCaller.request(xml("iq", { type: "get", to: x.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })), 30_000);
        user.client = c;
      });
      for (const user of users.values()) {
        if (!user.client.streamManagement.enabled) throw new Error(`${user.name}: stream management (XEP-0198) is not on: no server acks to measure`);
      }
    },
    send(from, to, pair, clientMsgId, body) {
      const user = users.get(from);
      return new Promise((resolve, reject) => {
        user.waiting.set(clientMsgId, { resolve, reject });
        user.client
          .send(xml("message", { to: `${to}@${x.domain}`, type: "chat", id: clientMsgId }, xml("body", {}, body)))
          .catch((error) => {
            user.waiting.delete(clientMsgId);
            reject(error);
          });
      });
    },
    async close() {
      await forEach([...users.values()], 32, (u) => u.client?.stop().catch(() => {}));
    },
  };
}

// ---- The run -------------------------------------------------------------------------------------

async function forEach(items, concurrency, body) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await body(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function main() {
  const driver = config.target === "xmpp" ? xmppDriver() : seqlineDriver();
  const setupStart = now();
  await driver.connect();
  const setupSeconds = (now() - setupStart) / 1000;
  info(`${driver.name}: ${config.pairs.length * 2} users connected in ${setupSeconds.toFixed(1)} s`);

  const phases = [];
  let saturation = null;
  for (const spec of config.phases) {
    let rate = spec.rate ?? null;
    if (spec.rateOfSaturation) rate = Math.max(1, (saturation?.acked ?? 0) / (saturation?.seconds || 1) * spec.rateOfSaturation);
    const phase = newPhase({ ...spec, rate });
    emit("phase-start", { name: phase.name });
    const start = now();
    if (spec.concurrency) await closedLoop(driver, phase, spec.seconds, spec.concurrency);
    else await openLoop(driver, phase, spec.seconds, rate, config.maxOutstanding ?? 20000);
    phase.seconds = (now() - start) / 1000;
    emit("window-end", { name: phase.name });
    await drain(phase, config.drainTimeoutSeconds ?? 30);
    emit("phase-end", { name: phase.name, sent: phase.sent, acked: phase.acked, delivered: phase.delivered, drained: phase.drained });
    if (spec.concurrency) saturation = phase;
    phases.push(phase);
  }

  const result = {
    target: config.target,
    variant: config.variant,
    server: driver.name,
    users: config.pairs.length * 2,
    pairs: config.pairs.length,
    setupSeconds,
    duplicates,
    strays,
    phases: phases.map(({ inFlight, ...rest }) => rest),
  };
  writeFileSync(resultPath, JSON.stringify(result));
  // Closing is courtesy, after the results are out: a server still busy with a backlog keeps
  // writing to streams being closed, which the XMPP library may trip over; nothing of that counts now.
  process.on("uncaughtException", () => {});
  await Promise.race([driver.close().catch(() => {}), sleep(10_000)]);
  emit("done");
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  },
);
