// Starts Pagefind's UI on the search page, under the site's base path, and runs the query
// passed as ?q= by the search box on every page. Kept in a file (no inline script) for the CSP.
(function () {
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
    resetStyles: false
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
