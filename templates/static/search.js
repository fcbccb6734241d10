// Starts Pagefind's UI on the search page, under the site's base path, and runs the query
// passed as ?q= by the search box on every page. Kept in a file (no inline script) for the CSP.
//
// Chinese in either script: Pagefind's segmentation knows Simplified words only, so every article
// page also holds its text in Simplified (hidden; generator/search.py simplified_form) and the query
// is turned into Simplified here with OpenCC's t2s (opencc-js, assets/opencc-js/): 關稅 and 关税
// find the same articles. A result found through that Simplified copy gets its excerpt back in the
// characters the page is written in (asWritten).
(function () {
  var toSimplified = typeof OpenCC !== "undefined" ? OpenCC.Converter({ from: "t", to: "cn" }) : null;
  var WORD_CHAR = /[\p{L}\p{N}]/gu;

  // [{at, ch}] of every letter or digit of the text: what the page's text and its Simplified copy
  // share one for one (t2s changes characters, never punctuation or their number).
  function wordChars(text) {
    var out = [], m;
    WORD_CHAR.lastIndex = 0;
    while ((m = WORD_CHAR.exec(text))) out.push({ at: m.index, ch: m[0] });
    return out;
  }

  // The excerpt's text (zero-width spaces, Pagefind's word breaks, dropped) and its marked ranges.
  function readExcerpt(html) {
    var body = new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html").body;
    var text = "", marks = [];
    body.childNodes.forEach(function (node) {
      var part = (node.textContent || "").replace(/\u200b/g, "");
      if (node.nodeName === "MARK") marks.push([text.length, text.length + part.length]);
      text += part;
    });
    return { text: text, marks: marks };
  }

  // When the excerpt lies in the page's Simplified copy (the second half of its letters, t2s of
  // the first), the same passage from the page's own text, with the same words marked; else the
  // result as it is.
  function asWritten(result) {
    if (!toSimplified || !result || typeof result.content !== "string") return result;
    var text = result.content.replace(/\u200b/g, "");  // plain text (the excerpt is HTML)
    var chars = wordChars(text), half = chars.length / 2;
    if (!half || half % 1) return result;
    var own = chars.slice(0, half).map(function (c) { return c.ch; }).join("");
    var copy = chars.slice(half).map(function (c) { return c.ch; }).join("");
    if (own === copy || toSimplified(own) !== copy) return result;
    var excerpt = readExcerpt(result.excerpt || "");
    var start = text.indexOf(excerpt.text, chars[half].at);
    if (!excerpt.text || start < 0) return result;
    // rank among the copy's letters of the first letter at or after a position of the text
    var rank = function (pos) {
      var r = 0;
      while (half + r < chars.length && chars[half + r].at < pos) r++;
      return r;
    };
    var from = function (pos) { var r = rank(pos); return r < half ? chars[r].at : text.length; };
    var to = function (pos) { var r = rank(pos); return r > 0 ? chars[r - 1].at + chars[r - 1].ch.length : 0; };
    var begin = from(start), end = to(start + excerpt.text.length);
    if (end <= begin) return result;
    var out = document.createElement("div"), cursor = begin;
    excerpt.marks.forEach(function (mark) {
      var a = Math.max(from(start + mark[0]), cursor), b = Math.min(to(start + mark[1]), end);
      if (b <= a) return;
      out.appendChild(document.createTextNode(text.slice(cursor, a)));
      out.appendChild(document.createElement("mark")).textContent = text.slice(a, b);
      cursor = b;
    });
    out.appendChild(document.createTextNode(text.slice(cursor, end)));
    result.excerpt = out.innerHTML;
    return result;
  }

  window.digestSearch = { toSimplified: toSimplified, asWritten: asWritten };

  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  // The index is split into shards (generator/search.py): the first bundle is loaded, the others
  // merged into its results.
  var baseUrl = box.getAttribute("data-base-url") || "/";
  var merge = (box.getAttribute("data-merge") || "").split(" ").filter(Boolean)
    .map(function (path) { return { bundlePath: path, baseUrl: baseUrl }; });
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: box.getAttribute("data-bundle") || undefined,
    baseUrl: baseUrl,
    mergeIndex: merge,
    showImages: false,
    resetStyles: false,
    processTerm: function (term) { return toSimplified ? toSimplified(term) : term; },
    processResult: asWritten
  });
  // Pagefind's input has only a placeholder; give it the accessible name of our own search box.
  var name = box.getAttribute("data-label") || "Search";
  var label = function () {
    var input = box.querySelector("input");
    if (input && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", name);
    return !!input;
  };
  if (!label()) new MutationObserver(function (_, obs) { if (label()) obs.disconnect(); })
    .observe(box, { childList: true, subtree: true });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
