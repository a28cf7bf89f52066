// Product pages: tick the countdowns, report favourites, shares and time on page.
(function () {
  "use strict";

  // The server's clock decides: the countdown is the server's `now` plus the time since load.
  var loadedAt = Date.now();
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function format(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var days = Math.floor(s / 86400), rest = s % 86400;
    var clock = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor(rest % 3600 / 60)) + ":" + pad(rest % 60);
    return days > 0 ? days + "d " + clock : clock;
  }
  function tick() {
    var elapsed = (Date.now() - loadedAt) / 1000;
    document.querySelectorAll(".countdown[data-at]").forEach(function (el) {
      var left = Number(el.dataset.at) - Number(el.dataset.now) - elapsed;
      el.textContent = format(left);
    });
  }
  tick();
  setInterval(tick, 1000);

  var page = document.getElementById("product");
  if (!page) { return; }
  function report(kind, extra) {
    var body = { sku: page.dataset.sku, kind: kind, src: page.dataset.src, visitor: page.dataset.visitor };
    for (var k in extra || {}) { body[k] = extra[k]; }
    return fetch("/api/v1/events", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      keepalive: true
    });
  }
  document.querySelectorAll("button[data-event]").forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.dataset.event;
      if (kind === "share" && navigator.share) {
        navigator.share({ title: document.title, url: location.href }).catch(function () {});
      }
      report(kind).then(function (r) {
        if (r.ok) {
          button.disabled = true;
          button.classList.add("done");
          document.getElementById("thanks").hidden = false;
        }
      });
    });
  });
  // Time on page, once, when the shopper leaves or hides the page.
  var shownAt = Date.now(), sent = false;
  function sendTime() {
    if (sent) { return; }
    sent = true;
    var body = JSON.stringify({
      sku: page.dataset.sku, kind: "time", src: page.dataset.src, visitor: page.dataset.visitor,
      seconds: Math.min(86400, Math.round((Date.now() - shownAt) / 1000))
    });
    if (!(navigator.sendBeacon && navigator.sendBeacon("/api/v1/events", new Blob([body], { type: "application/json" })))) {
      fetch("/api/v1/events", { method: "POST", headers: { "Content-Type": "application/json" }, body: body, keepalive: true });
    }
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { sendTime(); } });
  window.addEventListener("pagehide", sendTime);
})();
