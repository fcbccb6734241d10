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

  // Whether the text's letters are the page's own followed by their Simplified form: the second
  // half t2s of the first (a few characters may differ: opencc-js leaves out some rare ones).
  function hasSimplifiedForm(chars, half) {
    var join = function (list) { return list.map(function (c) { return c.ch; }).join(""); };
    var own = join(chars.slice(0, half)), copy = join(chars.slice(half));
    if (own === copy) return false;
    var converted = toSimplified(own), differ = 0;
    if (converted.length !== copy.length) return false;
    for (var i = 0; i < copy.length; i++) differ += converted[i] !== copy[i];
    return differ <= copy.length / 50;
  }

  // A result's excerpt from the page's own text: as long as Pagefind's (in letters), placed so its
  // first marked word sits where Pagefind's did, with the same words marked. Pagefind's window may
  // lie in the Simplified form, or run into it from the page's end; a page without that form, or
  // an excerpt with no mark, is left as it is.
  function asWritten(result) {
    if (!toSimplified || !result || typeof result.content !== "string" || !result.excerpt) return result;
    var text = result.content.replace(/\u200b/g, "");  // plain text (the excerpt is HTML)
    var chars = wordChars(text), half = chars.length / 2;
    if (!half || half % 1 || !hasSimplifiedForm(chars, half)) return result;
    var excerpt = readExcerpt(result.excerpt), at = text.indexOf(excerpt.text);
    if (at < 0 || !excerpt.marks.length) return result;
    var letters = wordChars(excerpt.text);
    if (!letters.length) return result;
    var before = function (pos) {  // letters of the excerpt before a position in it
      var n = 0;
      while (n < letters.length && letters[n].at < pos) n++;
      return n;
    };
    var first = 0;  // the excerpt's first letter, counted in the whole text
    while (first < chars.length && chars[first].at < at) first++;
    var own = function (rank) { return rank >= half ? rank - half : rank; };
    var marks = excerpt.marks.map(function (m) {
      var a = own(first + before(m[0]));
      return [a, a + before(m[1]) - before(m[0])];
    });
    var start = Math.max(0, Math.min(marks[0][0] - before(excerpt.marks[0][0]), half - letters.length));
    var end = Math.min(half, start + letters.length);
    var from = function (rank) { return chars[rank].at; };  // where a letter starts, and ends
    var to = function (rank) { return chars[rank].at + chars[rank].ch.length; };
    var out = document.createElement("div"), cursor = from(start);
    marks.forEach(function (m) {
      if (m[1] <= m[0] || m[1] <= start || m[0] >= end) return;
      var a = Math.max(from(Math.max(m[0], start)), cursor), b = to(Math.min(m[1], end) - 1);
      if (b <= a) return;
      out.appendChild(document.createTextNode(text.slice(cursor, a)));
      out.appendChild(document.createElement("mark")).textContent = text.slice(a, b);
      cursor = b;
    });
    var stop = to(end - 1);  // and the punctuation closing the last letter's sentence or phrase
    while (stop < text.length && /[^\s\p{L}\p{N}]/u.test(text[stop])) stop++;
    out.appendChild(document.createTextNode(text.slice(cursor, stop)));
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
