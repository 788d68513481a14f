// chat_driver.js: drives the chat example's page (examples/chat/chat.html) as
// a person would, for tests/browser/chat_page_test.cpp (run_page.js --script).
// The page's own query gives the server URL and the name (chat.html reads
// ?url= and ?name=); this script reads two more:
//   say     the line to say once connected
//   expect  the line (as the list shows it, "ann: hi") to wait for afterwards
// It clicks Connect, waits for the "connected" notice, says its line, waits
// for the expected one, then leaves (the page's own clean close) and
// publishes window.tickwireTest with every line of the list.
'use strict';

(function () {
  const query = new URLSearchParams(location.search);
  const lines = () => Array.from(document.querySelectorAll('#messages li')).map((item) => item.textContent);
  const publish = (ok, failure) => {
    window.tickwireTest = { done: true, ok, messages: lines().join(' | ') };
    if (failure) window.tickwireTest.failure = failure;
  };
  // Resolves once `done()` holds; rejects after 20 s.
  const waitFor = (done, what) => new Promise((resolve, reject) => {
    const started = performance.now();
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve();
      } else if (performance.now() - started > 20000) {
        clearInterval(timer);
        reject(new Error('no ' + what + ' within 20 s'));
      }
    }, 20);
  });

  (async () => {
    // main() has run once the runtime says so (it installs the click handlers).
    await waitFor(() => typeof Module !== 'undefined' && Module.calledRun, 'runtime');
    document.getElementById('connect').click();
    await waitFor(() => lines().includes('connected'), '"connected" notice');
    console.log('CHAT connected');
    document.getElementById('line').value = query.get('say');
    document.getElementById('send').click();
    console.log('CHAT said');
    await waitFor(() => lines().includes(query.get('expect')), '"' + query.get('expect') + '"');
    console.log('CHAT heard');
    publish(true);
  })().catch((error) => publish(false, error.message));
})();
