// tickwire-client's page: the join form when the URL names no room, the
// game's canvas when it does (/?room=CODE&name=N), and the sentences a
// player reads when the game is not playing. The C++ (web_page.cpp)
// publishes the match as window.tickwireGame and calls tickwirePageUpdate.
'use strict';

(function () {
  var params = new URLSearchParams(location.search);
  var inGame = params.has('room');
  var banner = document.getElementById('banner');

  function show(text, detail, fatal) {
    document.getElementById('banner-text').textContent = text;
    var d = document.getElementById('banner-detail');
    d.textContent = detail || '';
    if (fatal) {
      d.appendChild(document.createElement('br'));
      var back = document.createElement('a');
      back.href = '/';
      back.textContent = 'back to the rooms';
      d.appendChild(back);
    }
    banner.className = fatal ? 'fatal' : '';
    banner.style.display = text ? 'block' : 'none';
  }

  // What a player reads for each state the game publishes.
  function headline(g) {
    var t = g.statusText || '';
    var host = location.host;
    switch (g.status) {
      case 'joined': return null;
      case 'error': return { text: t, fatal: true };
      case 'connecting': return { text: 'Connecting to ' + host + '…' };
      case 'reconnecting':
        if (g.everJoined) return { text: 'Connection lost — reconnecting…', detail: t };
        return { text: 'Server unreachable: ' + host + ' does not answer. Retrying…', detail: t };
    }
    if (/room full/i.test(t)) return { text: 'Room "' + g.room + '" is full. Pick another room.', detail: t, fatal: true };
    if (/version/i.test(t)) {
      return { text: 'Version mismatch: this page and the server speak different protocol versions. ' +
                     'Reload the page to get the server\'s.', detail: t, fatal: true };
    }
    if (!g.everJoined) return { text: 'Server unreachable: ' + host + ' did not answer.', detail: t, fatal: true };
    if (t === 'closed') return { text: 'You left the match.', fatal: true };
    return { text: 'Disconnected: ' + t, fatal: true };
  }

  window.tickwirePageUpdate = function (g) {
    var h = headline(g);
    g.headline = h ? h.text : '';
    show(h ? h.text : '', h && h.detail, h && h.fatal);
  };

  window.Module = {
    canvas: document.getElementById('canvas'),
    print: function (text) { console.log(text); },
    printErr: function (text) { console.error(text); },
    onAbort: function (what) { show('The game stopped: ' + what, 'reload the page to play again', true); }
  };
  window.addEventListener('error', function (e) {
    if (inGame) show('The game stopped: ' + e.message, 'reload the page to play again', true);
  });

  if (inGame) {
    var canvas = document.getElementById('canvas');
    canvas.style.display = 'block';
    canvas.focus();
    show('Loading…');
    return;
  }

  // The join page.
  var form = document.getElementById('join');
  var nameInput = document.getElementById('name');
  var roomInput = document.getElementById('room');
  form.style.display = 'block';
  nameInput.value = params.get('name') || localStorage.getItem('tickwire.name') || '';
  nameInput.focus();

  function join(room) {
    var name = nameInput.value.trim() || 'player';
    // At most 32 UTF-8 bytes, cut at a character.
    while (new TextEncoder().encode(name).length > 32) name = name.slice(0, -1);
    localStorage.setItem('tickwire.name', name);
    location.href = '/?room=' + encodeURIComponent(room || 'auto') + '&name=' + encodeURIComponent(name);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    join(roomInput.value.trim());
  });

  function listRooms() {
    fetch('/rooms', { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (rooms) {
      var table = document.getElementById('rooms');
      table.textContent = '';
      rooms.forEach(function (room) {
        var row = table.insertRow();
        row.className = 'room';
        row.insertCell().textContent = room.code;
        row.insertCell().textContent = room.players + ' / ' + room.capacity;
        row.insertCell().textContent = (room.names || []).join(', ');
        row.title = 'join ' + room.code;
        row.addEventListener('click', function () { join(room.code); });
      });
      document.getElementById('rooms-note').textContent =
        rooms.length ? 'click a room to join it' : 'no rooms yet: type a code to open one, or leave it empty';
    }).catch(function (err) {
      document.getElementById('rooms-note').textContent = 'cannot list rooms (' + err.message + '): the server may be down';
    });
  }
  listRooms();
  setInterval(listRooms, 3000);
})();
