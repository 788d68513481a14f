// game_driver.js: plays tickwire-client's page (game/client_app/web) as a
// person at a keyboard would, for tests/browser/game_page_test.cpp
// (run_page.js --script). Keys go through the page's own keyboard events,
// which the game reads with <emscripten/html5.h> like a real key press.
// The page's query says what to do (besides room and name, which the game
// reads):
//   play=1   hold D then S for 1.2 s each with Space held (move and fire),
//            point the mouse at two opposite corners (aim), type a chat
//            line, wait for an answer from a native client
//   closed=1 expect the server to refuse the page: publish what it says
//   cut=1    (with autopilot=1: once the ship has scored) wait to be told
//            of the cut, see "reconnecting", then the same player resumed
//            with its score
// It prints "GAME <step>" lines the test reacts to and publishes
// window.tickwireTest when done.
'use strict';

(function () {
  const query = new URLSearchParams(location.search);
  const game = () => window.tickwireGame || {};
  const result = { done: true, ok: false };
  const publish = (ok, failure) => {
    Object.assign(result, { ok, failure: failure || '' });
    window.tickwireTest = result;
  };
  const waitFor = (done, what, ms = 20000) => new Promise((resolve, reject) => {
    const started = performance.now();
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve();
      } else if (performance.now() - started > ms) {
        clearInterval(timer);
        reject(new Error('no ' + what + ' within ' + ms + ' ms (status ' + game().status + ': ' +
                         game().statusText + ')'));
      }
    }, 20);
  });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // Two animation frames: the game has read every event sent before.
  const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const key = (type, code, text) =>
    window.dispatchEvent(new KeyboardEvent(type, { code, key: text || code, bubbles: true, cancelable: true }));
  const codeOf = (c) => (c === ' ' ? 'Space' : /[a-z]/i.test(c) ? 'Key' + c.toUpperCase() : 'Unidentified');

  async function typeLine(text) {
    key('keydown', 'Enter');
    key('keyup', 'Enter');
    await frames();
    for (const c of text) {
      key('keydown', codeOf(c), c);
      key('keyup', codeOf(c), c);
    }
    await frames();
    key('keydown', 'Enter');
    key('keyup', 'Enter');
    await frames();
  }

  // Distinct colours in a grid of the canvas's pixels: a blank page has one.
  function canvasColours() {
    const canvas = document.getElementById('canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    const stepX = Math.max(1, Math.floor(canvas.width / 64)) * 4;
    for (let y = 0; y < canvas.height; y += Math.max(1, Math.floor(canvas.height / 48))) {
      for (let x = 0; x < canvas.width * 4; x += stepX) {
        const i = y * canvas.width * 4 + x;
        seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      }
    }
    return seen.size;
  }

  async function play(name) {
    // The test's native observer joins once it has seen us in /rooms.
    await waitFor(() => (game().scores || []).some((row) => row.name === 'observer'), 'native observer');
    // Bots may destroy the ship meanwhile: then again, once it has respawned.
    for (let attempt = 0; attempt < 4; ++attempt) {
      await waitFor(() => game().alive, 'a live ship');
      console.log('GAME moving');
      let died = false;
      const watch = setInterval(() => { died = died || !game().alive; }, 20);
      key('keydown', 'Space', ' ');
      key('keydown', 'KeyD', 'd');
      await sleep(1200);
      key('keyup', 'KeyD', 'd');
      key('keydown', 'KeyS', 's');
      await sleep(1200);
      key('keyup', 'KeyS', 's');
      key('keyup', 'Space', ' ');
      clearInterval(watch);
      await frames();
      console.log('GAME moved' + (died ? ' (destroyed meanwhile)' : ''));
      if (!died) break;
    }

    // Aim: the pointer at the canvas's top-left corner, then its bottom-right;
    // again if the ship is destroyed meanwhile (the observer sees no angle then).
    const canvas = document.getElementById('canvas');
    const point = (x, y) => canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
    for (let attempt = 0; attempt < 4; ++attempt) {
      await waitFor(() => game().alive, 'a live ship');
      console.log('GAME aiming');
      let died = false;
      const watch = setInterval(() => { died = died || !game().alive; }, 20);
      point(2, 2);
      await sleep(1500);
      console.log('GAME aimed top-left');
      point(canvas.clientWidth - 2, canvas.clientHeight - 2);
      await sleep(1500);
      clearInterval(watch);
      console.log('GAME aimed bottom-right' + (died ? ' (destroyed meanwhile)' : ''));
      if (!died) break;
    }

    const said = 'hello from the browser';
    await typeLine(said);
    await waitFor(() => (game().chat || []).some((l) => l.from === name && l.text === said), 'own chat line');
    console.log('GAME said');
    await waitFor(() => (game().chat || []).some((l) => l.from === 'observer' && l.text === 'hello from native'),
                  'the native client\'s line');
    result.heard = 'observer: hello from native';
  }

  async function cut() {
    // A score to keep: the autopilot fights until it has one.
    if (query.get('autopilot') === '1') await waitFor(() => game().own && game().own.score > 0, 'a score', 40000);
    result.scoreBefore = game().own ? game().own.score : -1;
    console.log('GAME ready-for-cut score=' + result.scoreBefore);
    await waitFor(() => game().status === 'reconnecting', 'reconnecting state');
    result.banner = document.getElementById('banner-text').textContent;
    console.log('GAME reconnecting: ' + result.banner);
    await waitFor(() => game().status === 'joined', 'resumed state', 30000);
    await waitFor(() => game().own !== undefined, 'own score row');
    result.scoreAfter = game().own.score;
    result.rowsWithName = game().scores.filter((row) => row.name === game().name).length;
    console.log('GAME resumed score=' + result.scoreAfter);
  }

  (async () => {
    try {
      if (query.get('closed') === '1') {
        await waitFor(() => game().status === 'closed', 'closed state');
        result.headline = game().headline;
        result.detail = document.getElementById('banner-detail').textContent;
        result.bannerShown = getComputedStyle(document.getElementById('banner')).display !== 'none';
        publish(true);
        return;
      }
      await waitFor(() => game().status === 'joined', 'joined state');
      const g = game();
      result.name = g.name;
      result.room = g.room;
      result.joinMs = Math.round(g.joinedAtMs);
      console.log('GAME joined room=' + g.room + ' name=' + g.name);
      if (query.get('play') === '1') await play(g.name);
      if (query.get('cut') === '1') await cut();
      await frames();
      result.colours = canvasColours();
      result.players = game().scores.map((row) => row.name).sort().join(',');
      publish(true);
    } catch (error) {
      publish(false, error.message);
    }
  })();
})();
