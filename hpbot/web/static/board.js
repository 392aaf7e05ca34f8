// hpbot's live board: listen to the event stream and put each new board in place of the old one. The HTML comes
// from the bot, every name already escaped there. Without this script the page refreshes itself (<noscript>).
"use strict";
(function () {
  var main = document.getElementById("board");
  var url = main && main.getAttribute("data-events");
  if (!url || !window.EventSource) {
    return;
  }
  document.documentElement.classList.add("live");
  var source = new EventSource(url);
  source.addEventListener("board", function (event) {
    main.innerHTML = event.data;
  });
  source.addEventListener("gone", function () {
    source.close();
    window.location.reload();
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      // the stream was refused (the link revoked, or the server restarting): load the page again shortly
      window.setTimeout(function () { window.location.reload(); }, 5000);
    }
  });
})();
