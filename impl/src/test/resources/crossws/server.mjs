// The crossws side of CrosswsInteropTest: one chat server on crossws's node adapter and crossws's own sync driver.
//
//   node server.mjs <port> <channel> redis <redis-url>
//   node server.mjs <port> <channel> pgsql <postgres-connection-string>
//
// A plain node:http server on 127.0.0.1:<port> hands WebSocket upgrades to crossws's node adapter. The hooks are
// the ones the Java side of the test mirrors:
//   - a peer connecting to /chat/<room> is subscribed to topic <room>, percent-decoded (its namespace is crossws's
//     default, the WHATWG pathname of the request target, e.g. /chat/my%20room);
//   - a text message "server:<rest>" is published by the server to topic <room> in ALL namespaces;
//   - any other text message, and every binary message, is published from the peer to <room> in its namespace.
//
// Written to stdout, one line each:
//   "READY <port>"                       once the server listens and the sync driver has subscribed;
//   "SYNC <json>"                        for every message the sync driver delivers from the backplane, as
//                                        {namespace, topic, binary, length}, so the test sees what crossws decoded.
// Errors crossws reports (onError) and anything else go to stderr, which the test captures.
// Control on stdin: "STOP" closes everything and exits.

import { createServer } from "node:http";
import { createInterface } from "node:readline";
import crossws from "crossws/adapters/node";
import { redis, pgsql } from "crossws/sync";

const [port, channel, kind, url] = process.argv.slice(2);
if (!port || !channel || !["redis", "pgsql"].includes(kind) || !url) {
  console.error("usage: node server.mjs <port> <channel> redis|pgsql <url>");
  process.exit(2);
}

const closers = [];
let driver;
if (kind === "redis") {
  const { default: Redis } = await import("ioredis");
  const client = new Redis(url);
  closers.push(() => client.disconnect());
  driver = redis({ client, channel });
} else {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  client.on("error", (error) => console.error("[interop-crossws] pg client error", error?.message ?? error));
  await client.connect();
  closers.push(() => client.end());
  driver = pgsql({ client, channel });
}

// crossws's driver, unchanged; only its deliver callback is observed (to print what it decoded) and its
// subscribe awaited (to print READY only once the backplane listens).
let subscribed;
const subscribedOnce = new Promise((resolve) => (subscribed = resolve));
const observed = (context) => {
  const inner = driver(context);
  return {
    ...inner,
    async subscribe(deliver) {
      await inner.subscribe((msg) => {
        const binary = msg.data instanceof Uint8Array;
        console.log("SYNC " + JSON.stringify({
          namespace: msg.namespace, topic: msg.topic, binary,
          length: binary ? msg.data.length : String(msg.data).length,
        }));
        deliver(msg);
      });
      subscribed();
    },
  };
};

const ws = crossws({
  sync: observed,
  onError(error, context) {
    console.error("[interop-crossws] sync error", context?.stage ?? "", error?.stack ?? error);
  },
  hooks: {
    open(peer) {
      peer.subscribe(room(peer));
    },
    message(peer, message) {
      if (typeof message.rawData === "string") {
        const text = message.text();
        if (text.startsWith("server:")) {
          ws.publish(room(peer), text.substring("server:".length));
        } else {
          peer.publish(room(peer), text);
        }
      } else {
        peer.publish(room(peer), message.uint8Array());
      }
    },
    error(peer, error) {
      console.error("[interop-crossws] peer error", error?.stack ?? error);
    },
  },
});

function room(peer) {
  const path = peer.namespace;
  const last = path.substring(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

const server = createServer((req, res) => res.writeHead(404).end());
server.on("upgrade", (req, socket, head) => ws.handleUpgrade(req, socket, head));

await new Promise((resolve) => server.listen(Number(port), "127.0.0.1", resolve));
await subscribedOnce;
console.log(`READY ${port}`);

createInterface({ input: process.stdin }).on("line", async (line) => {
  if (line.trim() === "STOP") {
    await ws.close?.(1001, "shutting down");
    server.close();
    for (const close of closers) {
      await close();
    }
    process.exit(0);
  }
});
process.stdin.on("end", () => process.exit(0));
