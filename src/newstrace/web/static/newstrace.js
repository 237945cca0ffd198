// newstrace serve: optional enhancement (pages work without it). Hovering or focusing a
// highlighted span, or an attribution in the list, marks every span of that attribution and
// its list entry. Loaded from /static (the CSP allows no inline script).
(function () {
  "use strict";
  var text = document.getElementById("text");
  if (!text) return;
  function mark(ids, on) {
    ids.forEach(function (i) {
      var spans = text.querySelectorAll(".hl");
      for (var k = 0; k < spans.length; k++) {
        var own = (spans[k].getAttribute("data-a") || "").split(" ");
        if (own.indexOf(i) >= 0) spans[k].classList.toggle("hot", on);
      }
      var item = document.getElementById("d" + i);
      if (item) item.classList.toggle("hot", on);
    });
  }
  function ids(el) {
    var a = el && el.closest && el.closest("[data-a]");
    if (!a) return [];
    if (a.classList.contains("hl") && a.id && a.id.charAt(0) === "a") return [a.id.slice(1)];
    return (a.getAttribute("data-a") || "").split(" ").filter(Boolean);
  }
  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) { mark(ids(e.target), true); });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (e) { mark(ids(e.target), false); });
  });
})();
