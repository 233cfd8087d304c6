// The crossws side of the end-to-end benchmark: one chat server instance.
//
//   node server.mjs <port> <redis-url> <channel>
//
// A plain node:http server on 127.0.0.1:<port> hands WebSocket upgrades to crossws's node adapter, whose sync
// backplane is crossws's own `redis` driver over an ioredis client. The hooks are the chat hooks the SyncHub server
// uses too: a peer connecting to /chat/<room> is subscribed to topic <room> (namespace = the path, crossws's
// default), and every text message it sends is published to that topic (other local subscribers at once, other
// instances through Redis).
//
// Control on stdin, one command a line, answered on stdout:
//   MEM  -> "MEM <rss bytes> <heapUsed bytes after gc> <peers>" (gc repeated until two readings differ < 0.5 %,
//           the smallest reading; needs --expose-gc)
//   STAT -> "STAT <rss bytes> <heapUsed bytes now> <peers>" (no gc: cheap, for polling)
//   STOP -> closes everything and exits
// "READY <port>" is printed once the server listens.

import { createServer } from "node:http";
import { createInterface } from "node:readline";
import crossws from "crossws/adapters/node";
import { redis } from "crossws/sync";
import Redis from "ioredis";

const [port, redisUrl, channel] = process.argv.slice(2);
if (!port || !redisUrl || !channel) {
  console.error("usage: node server.mjs <port> <redis-url> <channel>");
  process.exit(2);
}

let peers = 0;
const client = new Redis(redisUrl);

const ws = crossws({
  sync: redis({ client, channel }),
  onError(error, context) {
    console.error("[bench-crossws] sync error", context?.stage ?? "", error?.message ?? error);
  },
  hooks: {
    open(peer) {
      peers++;
      peer.subscribe(room(peer));
    },
    message(peer, message) {
      peer.publish(room(peer), message.text());
    },
    close() {
      peers--;
    },
  },
});

function room(peer) {
  const path = peer.namespace;
  return path.substring(path.lastIndexOf("/") + 1) || "lobby";
}

const server = createServer((req, res) => {
  res.writeHead(404).end();
});
server.on("upgrade", (req, socket, head) => {
  ws.handleUpgrade(req, socket, head);
});

await new Promise((resolve) => server.listen(Number(port), "127.0.0.1", resolve));
// The sync driver subscribes in the background: the benchmark waits for PUBSUB NUMSUB on the channel.
console.log(`READY ${port}`);

createInterface({ input: process.stdin }).on("line", async (line) => {
  const command = line.trim();
  if (command === "MEM") {
    let min = Infinity;
    let previous = -1;
    for (let i = 0; i < 20; i++) {
      globalThis.gc?.();
      const used = process.memoryUsage().heapUsed;
      min = Math.min(min, used);
      if (i >= 2 && previous > 0 && Math.abs(used - previous) < previous * 0.005) break;
      previous = used;
    }
    console.log(`MEM ${process.memoryUsage().rss} ${min} ${peers}`);
  } else if (command === "STAT") {
    const mem = process.memoryUsage();
    console.log(`STAT ${mem.rss} ${mem.heapUsed} ${peers}`);
  } else if (command === "STOP") {
    ws.closeAll?.(1001, "shutting down", true);
    server.close();
    client.disconnect();
    process.exit(0);
  }
});
