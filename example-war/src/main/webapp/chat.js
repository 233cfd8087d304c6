// SyncHub chat page: plain JavaScript, no build step.
// Frames from the server are JSON: {"type":"hello","instance","hub","room"} once on connect (and "name", the name
// the server gave this member, if the server sends it), then {"type":"message","from","via","text"} for each line
// another member sent (on this or another instance).
// With presence on for the room: {"type":"members","enabled","members":[{"key","name","via"}]} once after joining,
// then {"type":"presence","event":"join"|"leave","key","name","via","first","last","expired"} for each change on
// any instance; the page lists who is in the room and writes "alice joined" / "alice left" once per user.
// When the connection drops, the page says so in plain words and reconnects by itself: the first retry after about
// 0.5 s, then each wait doubles up to 10 s, with random jitter so that many pages do not retry in step.
// In a room that keeps history, each line also carries its position ("pos":"epoch:offset", "recovered":true when
// replayed) and the page keeps the last one it saw: it reconnects with ?since=<that position> and gets the lines it
// missed first, shown marked "recovered", then {"type":"recovery","complete":true,"replayed":n,"pos"}. A line it
// already shows (same epoch, offset not above the last) is never shown twice, nor its own lines (they carry the
// "client" id this page gave itself). When recovery is refused ("complete":false, "reason") the page says so and
// reloads the room: it clears the lines from before the reconnect and starts again from the room's position.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var FIRST_DELAY_MS = 500;
  var MAX_DELAY_MS = 10000;

  var socket = null;      // the current WebSocket, or null
  var room = null;        // the room joined (null before the first Join)
  var name = '';          // the name typed at Join ('' lets the server pick one)
  var myName = '';        // the name the server knows us by, if it said so
  var myInstance = null;  // the instance label of the current (or last) connection
  var attempt = 0;        // reconnect attempts since the connection was lost (0 while connected)
  var retryTimer = null;
  var lost = false;       // the connection was lost and is not back yet
  var lastPos = null;     // {epoch, offset} of the last line seen in this room (rooms with history), or null
  var connection = 0;     // the number of the current connection; each line remembers the one it came on
  var client = Math.random().toString(36).slice(2, 12); // this page's id: its own lines come back with it

  function base() {
    // The directory this page was served from, e.g. "/chat/": the endpoint is at <base>chat/<room>.
    return location.pathname.replace(/[^\/]*$/, '');
  }

  /** A hue (0..359) for an instance label, so that each instance's badge has a colour of its own. */
  function hue(label) {
    var h = 0;
    for (var i = 0; i < label.length; i++) {
      h = (h * 31 + label.charCodeAt(i)) % 360;
    }
    return h;
  }

  function badge(label) {
    var b = document.createElement('span');
    b.className = 'badge';
    b.textContent = label;
    b.title = 'server instance ' + label;
    b.style.setProperty('--hue', hue(label));
    return b;
  }

  function add(kind, via, from, text) {
    var li = document.createElement('li');
    li.className = kind;
    li.dataset.conn = connection;
    if (via) {
      var b = badge(via);
      b.title = 'came through server instance ' + via;
      li.appendChild(b);
      li.dataset.via = via;
    }
    if (from) {
      var who = document.createElement('span');
      who.className = 'from';
      who.textContent = from;
      li.appendChild(who);
    }
    var body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    li.appendChild(body);
    var list = $('messages');
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
    return li;
  }

  /** {epoch, offset} from "epoch:offset", or null. */
  function parsePos(text) {
    var m = typeof text === 'string' ? /^([A-Za-z0-9_-]{1,64}):(\d+)$/.exec(text) : null;
    return m ? { epoch: m[1], offset: Number(m[2]) } : null;
  }

  /** Whether pos comes after the last position seen (a different epoch counts as after: the room started again). */
  function after(pos) {
    return lastPos === null || pos.epoch !== lastPos.epoch || pos.offset > lastPos.offset;
  }

  /** A chat line from the server: shown unless already shown (its position) or this page's own. */
  function line(m) {
    var pos = parsePos(m.pos);
    if (pos) {
      if (!after(pos)) {
        return; // already shown: never twice
      }
      lastPos = pos;
    }
    if (m.client && m.client === client) {
      return; // this page's own line, shown when it was typed (a resume replays it)
    }
    var li = add(m.recovered ? 'message recovered' : 'message', m.via, m.from, m.text);
    if (pos) {
      li.dataset.pos = m.pos;
    }
    if (m.recovered) {
      var mark = document.createElement('span');
      mark.className = 'mark';
      mark.textContent = 'recovered';
      mark.title = 'sent while this page was disconnected';
      li.appendChild(mark);
    }
  }

  /** Plain words for why the server could not replay the missed lines. */
  function refusal(reason) {
    switch (reason) {
      case 'TOO_MANY': return 'more lines were missed than the server replays';
      case 'TOO_OLD': return 'some are older than the history the room keeps';
      case 'EPOCH_CHANGED': return 'the room\'s history was lost (its backplane restarted)';
      case 'UNAVAILABLE': return 'the room\'s history cannot be read right now';
      case 'INVALID_POSITION': return 'the server did not understand the position this page kept';
      default: return 'the room keeps no history';
    }
  }

  /** The outcome of joining or resuming a room with history. */
  function recovery(m) {
    var pos = parsePos(m.pos);
    if (pos && after(pos)) {
      lastPos = pos;
    }
    if (!m.resumed) {
      return;
    }
    if (m.complete) {
      // m.replayed counts this page's own lines too, which it shows already: count what it shows as recovered.
      var shown = $('messages').querySelectorAll('li.recovered[data-conn="' + connection + '"]').length;
      add('system recovery', null, null, shown === 0 ? 'No lines were missed while disconnected.'
          : 'Recovered ' + shown + ' line' + (shown === 1 ? '' : 's') + ' missed while disconnected.');
      return;
    }
    // Reload the room: the lines from before this connection may have gaps now, so they go.
    var list = $('messages');
    Array.prototype.slice.call(list.children).forEach(function (li) {
      if (li.dataset.conn !== String(connection)) {
        list.removeChild(li);
      }
    });
    var notice = add('system reloaded', null, null, 'Could not recover the lines missed while disconnected: '
        + refusal(m.reason) + '. The room was reloaded; earlier lines are no longer shown.');
    notice.dataset.reason = m.reason;
    list.insertBefore(notice, list.firstChild);
  }

  /** Sets the status line: state is 'idle', 'connecting', 'connected' or 'lost'; parts are strings or nodes. */
  function status(state, parts) {
    var line = $('status');
    line.className = 'status ' + state;
    line.dataset.state = state;
    line.textContent = '';
    parts.forEach(function (part) {
      line.appendChild(typeof part === 'string' ? document.createTextNode(part) : part);
    });
    var connected = state === 'connected';
    $('text').disabled = !connected;
    $('send').disabled = !connected;
    $('retry').hidden = state !== 'lost';
  }

  /** Plain words for a WebSocket close code. */
  function why(code) {
    switch (code) {
      case 1001: return 'the server is shutting down or restarting';
      case 1006: return 'the connection dropped (the server stopped or the network failed)';
      case 1008: return 'the server refused the connection';
      case 1009: return 'the last message was too long for the server';
      case 1011: return 'the server ran into an error';
      case 1012: return 'the server is restarting';
      case 1013: return 'the server is too busy right now';
      default: return 'the connection closed';
    }
  }

  // Which endpoint serves the rooms: ?rooms=annotated picks the one written with SyncHub's annotations
  // (<base>annotated/<room>), anything else the explicit one (<base>chat/<room>). Both speak the same frames.
  var ROOMS = new URLSearchParams(location.search).get('rooms') === 'annotated' ? 'annotated/' : 'chat/';

  function url() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base() + ROOMS
        + encodeURIComponent(room) + '?client=' + client + (name ? '&name=' + encodeURIComponent(name) : '')
        + (lost && lastPos ? '&since=' + lastPos.epoch + ':' + lastPos.offset : '');
  }

  function connect() {
    retryTimer = null;
    connection++;
    var ws = new WebSocket(url());
    socket = ws;
    if (attempt > 0) {
      status('lost', ['Connection lost' + (myInstance ? ' to instance ' + myInstance : '') + '. Reconnecting to room "'
          + room + '" (attempt ' + attempt + ')...']);
    } else {
      status('connecting', ['Connecting to room "' + room + '"...']);
    }
    ws.onmessage = function (e) {
      if (socket !== ws) {
        return;
      }
      var m;
      try { m = JSON.parse(e.data); } catch (ignored) { return; }
      if (m.type === 'hello') {
        myInstance = m.instance;
        myName = m.name || name;
        $('instance').textContent = m.instance;
        status('connected', ['Connected to instance ', badge(m.instance), ' in room "' + m.room + '"'
            + (myName ? ' as ' + myName : '')]);
        add('system', null, null, (lost ? 'Reconnected' : 'Joined room "' + m.room + '"') + ' on instance '
            + m.instance + (lost && attempt > 1 ? ' after ' + attempt + ' attempts.' : '.'));
        lost = false;
        attempt = 0;
      } else if (m.type === 'message') {
        line(m);
      } else if (m.type === 'recovery') {
        recovery(m);
      } else if (m.type === 'members') {
        members(m);
      } else if (m.type === 'presence') {
        presence(m);
      }
    };
    ws.onclose = function (e) {
      if (socket !== ws) {
        return; // replaced by a newer connection (room change)
      }
      socket = null;
      if (!lost) {
        lost = true;
        add('system lost', null, null, 'Lost the connection' + (myInstance ? ' to instance ' + myInstance : '')
            + ': ' + why(e.code) + ' (code ' + e.code + '). Reconnecting automatically...');
      }
      retry(e.code);
    };
  }

  /** Schedules the next attempt: 0.5 s doubling to 10 s, each wait between 50 % and 100 % of that (jitter). */
  function retry(code) {
    attempt++;
    var ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, attempt - 1));
    var delay = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    var due = Date.now() + delay;
    var countdown = document.createElement('span');
    countdown.className = 'countdown';
    function tick() {
      countdown.textContent = Math.max(0, (due - Date.now()) / 1000).toFixed(1) + ' s';
    }
    tick();
    status('lost', ['Connection lost' + (myInstance ? ' to instance ' + myInstance : '') + ': ' + why(code)
        + '. Reconnecting (attempt ' + attempt + ') in ', countdown, '...']);
    var ticker = setInterval(function () {
      if (retryTimer === null) { clearInterval(ticker); return; }
      tick();
    }, 100);
    retryTimer = setTimeout(function () { clearInterval(ticker); connect(); }, delay);
  }

  function stopRetrying() {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
  }

  function join(event) {
    event.preventDefault();
    stopRetrying();
    room = $('room').value.trim() || 'lobby';
    name = $('name').value.trim();
    if (socket) {
      var old = socket;
      socket = null;
      old.close(1000, 'changing room');
    }
    lost = false;
    attempt = 0;
    lastPos = null;
    $('messages').textContent = '';
    people = {};
    showPeople();
    connect();
  }

  function retryNow() {
    if (retryTimer !== null) {
      stopRetrying();
      connect();
    }
  }

  function send(event) {
    event.preventDefault();
    var text = $('text').value;
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    socket.send(text);
    add('own', myInstance, (myName || 'you') + (myName ? ' (you)' : ''), text);
    $('text').value = '';
    $('text').focus();
  }

  // ------------------------------------------------------------------ who is in the room (presence)

  var people = {}; // member key -> {name, via}: every connection in the room, on every instance

  /** The room's members as read just after joining (replaces what the page knew: it may have reconnected). */
  function members(m) {
    $('people-panel').hidden = !m.enabled;
    people = {};
    (m.members || []).forEach(function (p) { people[p.key] = { name: p.name, via: p.via }; });
    showPeople();
  }

  /** A join or leave anywhere in the room: the list follows, and a line is written for a user's first or last. */
  function presence(m) {
    if (m.event === 'join') {
      people[m.key] = { name: m.name, via: m.via };
      if (m.first) {
        addPresence('join', m.via, m.name + ' joined');
      }
    } else {
      delete people[m.key];
      if (m.last) {
        addPresence('leave', m.via, m.name + ' left' + (m.expired ? ' (instance ' + m.via + ' stopped answering)' : ''));
      }
    }
    showPeople();
  }

  function addPresence(kind, via, text) {
    add('presence ' + kind, via, null, text);
    var last = $('messages').lastChild;
    last.dataset.event = kind;
  }

  /** One entry per user: name, how many tabs, and the instances they are connected to. */
  function showPeople() {
    var users = {};
    Object.keys(people).forEach(function (key) {
      var p = people[key];
      var u = users[p.name] || (users[p.name] = { tabs: 0, via: {} });
      u.tabs++;
      u.via[p.via] = true;
    });
    var list = $('people');
    list.textContent = '';
    Object.keys(users).sort().forEach(function (user) {
      var li = document.createElement('li');
      li.dataset.name = user;
      li.dataset.tabs = users[user].tabs;
      var who = document.createElement('span');
      who.className = 'from';
      who.textContent = user + (users[user].tabs > 1 ? ' (' + users[user].tabs + ' tabs)' : '');
      li.appendChild(who);
      Object.keys(users[user].via).sort().forEach(function (via) { li.appendChild(badge(via)); });
      list.appendChild(li);
    });
    $('people-count').textContent = Object.keys(users).length;
  }

  $('join-form').addEventListener('submit', join);
  $('send-form').addEventListener('submit', send);
  $('retry').addEventListener('click', retryNow);
  status('idle', ['Not connected: choose a room and press Join.']);
  if (ROOMS === 'annotated/') {
    $('room-type').textContent = '';
    $('room-type').append('Rooms served by the annotated endpoint (AnnotatedChatEndpoint: @SyncTopics and @Broadcast, '
        + 'no hub calls). ');
    var explicit = document.createElement('a');
    explicit.href = base();
    explicit.textContent = 'Use the explicit rooms instead';
    $('room-type').appendChild(explicit);
    $('room-type').dataset.rooms = 'annotated';
  }
  var seenResyncs = null; // resync signals the instance had when the page first asked

  /** Shows whether this instance's backplane relays now (its SyncHub health), and a notice after a resync. */
  function backplane(info) {
    var line = $('backplane');
    var h = info.health;
    if (!h) {
      return;
    }
    if (h.ready) {
      line.className = 'backplane ready';
      line.textContent = 'Backplane ' + info.driver + ': relaying to the other instances'
          + (h.lastProbeRoundTripMs !== undefined ? ' (self-probe ' + h.lastProbeRoundTripMs.toFixed(1) + ' ms)' : '')
          + '.';
    } else {
      line.className = 'backplane down';
      line.textContent = 'Backplane ' + info.driver + ' is not relaying' + (h.live ? '' : ' and cannot recover by itself')
          + (h.downForMs !== undefined ? ' (for ' + Math.round(h.downForMs / 1000) + ' s)' : '')
          + ': messages reach this instance\'s room members only. ' + (h.lastError || '');
    }
    var r = info.resyncs;
    if (r && seenResyncs !== null && r.count > seenResyncs && r.from) {
      add('system', null, null, 'Messages from other instances may have been missed between '
          + new Date(r.from).toLocaleTimeString() + ' and ' + new Date(r.to).toLocaleTimeString()
          + ' (' + r.reason.toLowerCase().replace(/_/g, ' ') + '). A real application would reload the room here.');
    }
    if (r) {
      seenResyncs = r.count;
    }
  }

  function poll() {
    fetch(base() + 'info', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (info) {
      $('instance').textContent = info.instance;
      $('driver').textContent = info.driver;
      $('channel').textContent = info.channel;
      backplane(info);
    }).catch(function () {
      $('backplane').className = 'backplane unknown';
      $('backplane').textContent = 'Backplane: unknown (this instance does not answer).';
    });
  }

  poll();
  setInterval(poll, 5000);
}());
