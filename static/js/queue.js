/* Queue pages: every element with data-poll-url is refreshed from that URL's {"html": ...}
   every data-poll-seconds. Plain ES5 and XMLHttpRequest, no modules: a cheap TV's browser
   runs it. Without script the pages reload themselves (<noscript> meta refresh). */
(function () {
  "use strict";
  function poll(node) {
    var url = node.getAttribute("data-poll-url");
    var seconds = parseInt(node.getAttribute("data-poll-seconds"), 10) || 10;
    function tick() {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", url, true);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.onreadystatechange = function () {
        if (xhr.readyState !== 4) { return; }
        if (xhr.status === 200) {
          try { node.innerHTML = JSON.parse(xhr.responseText).html; } catch (ignore) { /* keep */ }
        }
        window.setTimeout(tick, seconds * 1000);
      };
      xhr.send();
    }
    window.setTimeout(tick, seconds * 1000);
  }
  var nodes = document.querySelectorAll("[data-poll-url]");
  for (var i = 0; i < nodes.length; i += 1) { poll(nodes[i]); }
}());
