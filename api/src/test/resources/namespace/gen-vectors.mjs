// Generates vectors.json: for each raw request target, the namespace crossws computes for it.
//
//   node gen-vectors.mjs > vectors.json        (run in this directory; needs only Node.js, no packages)
//
// crossws (src/hooks.ts, Hooks#upgrade) takes `new URL(request.url).pathname` as a peer's namespace; its node
// adapter (src/adapters/node.ts, NodeReqProxy) builds request.url as `http://${host}${req.url}`, req.url being
// the raw request target. So the expected value is `new URL("http://h" + target).pathname` (concatenation, not
// `new URL(target, base)`: a target "//x/y" is a path there, not an authority). The Java side reads this file
// (NamespacePathTest) and never runs Node itself.
//
// "fixed" are hand-picked targets; "random" are RANDOM_COUNT targets drawn from a character soup by a seeded
// generator (mulberry32, seed SEED), so re-running this script reproduces the file byte for byte.

const SEED = 20240611;
const RANDOM_COUNT = 2000;

const fixed = [
  "", "/", "//", "///", "/chat", "/chat/", "/chat/room-1",
  "/chat/my room", "/chat/my%20room", "/chat/my+room", "/chat/a%2Fb", "/chat/a%2fb", "/chat/caf\u00e9",
  "/chat/caf%C3%A9", "/chat/caf%c3%a9", "/chat/caf%C3%a9", "/chat/\u4e2d\u6587", "/chat/\u{1F600}",
  "/chat/%F0%9F%98%80", "/chat/\u{10FFFF}", "/chat/\u0080\u00a0\u00ff", "/chat/\ufeff\ufffd",
  "/chat/\ud800", "/chat/\udc00x", "/chat/%zz", "/chat/%", "/chat/%2", "/chat/%%", "/chat/100%", "/chat/%25",
  "/chat/.", "/chat/..", "/chat/./x", "/chat/../x", "/chat/x/..", "/chat/x/../", "/chat/x/./", "/..", "/../..",
  "/../../a", "/a/b/c/../../d", "/%2e", "/%2E", "/%2e%2E", "/%2E%2e/x", "/a/%2e%2e", "/a/.%2e/b", "/a/%2e./b",
  "/a/%2e%2e%2e/b", "/a/...", "/a/.../b", "/a/.x", "/a/..x", "/a/x.", "/.a", "/a/%2E/b", "/a/.%2E%2e",
  "//chat//room//", "//x/y", "/a//..//b",
  "/chat/\"quoted\"", "/chat/'single'", "/chat/`tick`", "/chat/{brace}", "/chat/<angle>", "/chat/a|b",
  "/chat/a^b", "/chat/[x]", "/chat/a;b=c", "/chat/a,b", "/chat/a:b@c", "/chat/~user", "/chat/a!$&'()*+,;=",
  "/chat/a\\b", "\\chat\\room", "/chat\\..\\x", "/chat/x\\.\\y", "\\\\x\\y", "/a/%5C/b", "/a/%5c%2e%2e",
  "/chat/room?a=b", "/chat/room?a=b#frag", "/chat/room#frag", "/chat/room#frag?x", "?only=query", "#only",
  "/chat/my room?name=ann", "/chat/..?x", "/chat/.#x", "/a?b/../c", "/a#b/../c",
  "/chat/a\tb", "/chat/a\nb", "/chat/a\rb", "/chat/\ta", "/chat/a\u0000b", "/chat/a\u001fb", "/chat/a\u007fb",
  "/chat/a ", "/chat/a  ", "/chat/a\u0001", "/chat/a \u0000", "/chat/a ?q", "/chat/a\t", "/chat/.\t.",
  "/chat/%2\te", "/chat/a%2F..%2F..", "/chat/a/%2F/../b", "/chat/%00", "/chat/%C0%AF", "/chat/%FF",
  "/chat/" + "r".repeat(5000), "/chat/" + "\u00e9".repeat(2000), "/chat/" + "a/".repeat(1000) + "..",
  "/chat/" + "%20".repeat(1000),
];

// mulberry32: a tiny deterministic 32-bit PRNG, so the file is reproducible without packages.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The soup: pieces that matter to the path parser (separators, dots and their escapes, percent signs and hex
// digits, the path percent-encode set, tab/newline, other controls, non-ASCII BMP and astral characters, lone
// surrogates) plus plain letters.
const soup = [
  "/", "/", "/", "\\", ".", ".", "..", "%2e", "%2E", "%", "%", "%2", "%2F", "%2f", "%5C", "%20", "%zz", "%C3%A9",
  "2", "e", "E", "F", "a", "b", "z", "0", "9", "-", "_", "~", "+", "=", "&", ";", ":", "@", "!", "$", "'", "(", ")",
  "*", ",", " ", "\"", "#", "<", ">", "?", "`", "{", "}", "|", "^", "[", "]",
  "\t", "\n", "\r", "\u0000", "\u0001", "\u001f", "\u007f", "\u0080", "\u00a0", "\u00e9", "\u00ff", "\u0100",
  "\u4e2d", "\u2028", "\ufeff", "\ufffd", "\uffff", "\u{10000}", "\u{1F600}", "\u{10FFFF}", "\ud800", "\udfff",
];

function randomTarget(next) {
  const length = Math.floor(next() * 24);
  // A request target in origin form starts with "/"; "\\" is the same separator to a special-scheme URL.
  let s = next() < 0.9 ? "/" : "\\";
  for (let i = 0; i < length; i++) {
    s += soup[Math.floor(next() * soup.length)];
  }
  return s;
}

const namespaceOf = (target) => new URL("http://h" + target).pathname;

const next = mulberry32(SEED);
const random = [];
for (let i = 0; i < RANDOM_COUNT; i++) {
  random.push(randomTarget(next));
}

const vector = (target) => ({ target, pathname: namespaceOf(target) });
const out = {
  generatedBy: `Node.js ${process.version}: new URL("http://h" + target).pathname (as crossws derives a namespace)`,
  seed: SEED,
  fixed: fixed.map(vector),
  random: random.map(vector),
};
process.stdout.write(JSON.stringify(out, null, 1) + "\n");

// For the record (stderr): where the brief's `new URL(target, "http://h")` form would differ.
let differ = 0;
for (const t of [...fixed, ...random]) {
  let other;
  try {
    other = new URL(t, "http://h").pathname;
  } catch {
    other = "<throws>";
  }
  if (other !== namespaceOf(t)) {
    differ++;
    if (differ <= 10) process.stderr.write(`differs as relative ref: ${JSON.stringify(t)} -> ${JSON.stringify(other)} vs ${JSON.stringify(namespaceOf(t))}\n`);
  }
}
process.stderr.write(`${differ} of ${fixed.length + random.length} targets differ as relative refs\n`);
