// SyncHub chat page: plain JavaScript, no build step.
// Frames from the server are JSON: {"type":"hello","instance","hub","room"} once on connect, then
// {"type":"message","from","via","text"} for each line another member sent (on this or another instance).
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var socket = null;
  var myInstance = '?';

  function base() {
    // The directory this page was served from, e.g. "/chat/": the endpoint is at <base>chat/<room>.
    return location.pathname.replace(/[^\/]*$/, '');
  }

  function add(kind, via, from, text) {
    var li = document.createElement('li');
    li.className = kind;
    if (via) {
      var badge = document.createElement('span');
      badge.className = 'via';
      badge.textContent = via;
      badge.title = 'came through server instance ' + via;
      li.appendChild(badge);
      li.dataset.via = via;
    }
    if (from) {
      var who = document.createElement('span');
      who.className = 'from';
      who.textContent = from + ':';
      li.appendChild(who);
    }
    var body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    li.appendChild(body);
    var list = $('messages');
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function setConnected(connected, label) {
    $('text').disabled = !connected;
    $('send').disabled = !connected;
    $('status').textContent = label;
    $('status').className = connected ? 'status connected' : 'status';
  }

  function join(event) {
    event.preventDefault();
    var room = $('room').value.trim() || 'lobby';
    var name = $('name').value.trim();
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'changing room');
    }
    $('messages').textContent = '';
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base() + 'chat/'
        + encodeURIComponent(room) + (name ? '?name=' + encodeURIComponent(name) : '');
    var ws = new WebSocket(url);
    socket = ws;
    setConnected(false, 'connecting to room ' + room + '...');
    ws.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (ignored) { return; }
      if (m.type === 'hello') {
        myInstance = m.instance;
        $('instance').textContent = m.instance;
        setConnected(true, 'in room "' + m.room + '" on instance ' + m.instance);
        add('system', null, null, 'joined room ' + m.room + ' on instance ' + m.instance);
      } else if (m.type === 'message') {
        add('message', m.via, m.from, m.text);
      }
    };
    ws.onclose = function (e) {
      if (socket === ws) {
        setConnected(false, 'disconnected (' + e.code + ')');
        add('system', null, null, 'disconnected, code ' + e.code);
      }
    };
  }

  function send(event) {
    event.preventDefault();
    var text = $('text').value;
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    socket.send(text);
    add('own', myInstance, 'you', text);
    $('text').value = '';
    $('text').focus();
  }

  $('join-form').addEventListener('submit', join);
  $('send-form').addEventListener('submit', send);
  fetch(base() + 'info', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (info) {
    $('instance').textContent = info.instance;
    $('driver').textContent = info.driver;
    $('channel').textContent = info.channel;
  }).catch(function () { /* the footer just keeps its question marks */ });
}());
