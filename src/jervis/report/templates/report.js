// Draws the report's charts from the JSON specs in the page with the vendored vega-embed.
// Specs are made at a design width: a single view is fitted to its figure's box by Vega
// (autosize fit-x); a composed one (rows, panels) has its views' widths rescaled, measured,
// and rescaled once more if it still does not fit. The timeline's brush is passed on to
// every other chart that declares a "zoom" parameter.
(function () {
  "use strict";
  var DESIGN = JSON.parse(document.getElementById("jervis-figures").textContent);
  var figures = DESIGN.figures;
  var views = {};
  var ZERO = { width: 0, axes: 0 };

  function composed(spec) {
    return !!(spec.vconcat || spec.hconcat || spec.concat || spec.facet);
  }

  function scaleWidths(node, factor) {
    if (Array.isArray(node)) { node.forEach(function (n) { scaleWidths(n, factor); }); return; }
    if (!node || typeof node !== "object") return;
    Object.keys(node).forEach(function (key) {
      if (key === "data" || key === "datasets" || key === "config") return;
      var value = node[key];
      if ((key === "width" || key === "limit") && typeof value === "number") {
        node[key] = Math.max(100, Math.round(value * factor));
      } else if (value && typeof value === "object") {
        scaleWidths(value, factor);
      }
    });
  }

  // The views' widths laid side by side in a spec (the widest row).
  function across(node) {
    function sum(a, b) { return { width: a.width + b.width }; }
    function widest(a, b) { return b.width > a.width ? b : a; }
    if (node.hconcat) return node.hconcat.map(across).reduce(sum, ZERO);
    if (node.vconcat) return node.vconcat.map(across).reduce(widest, ZERO);
    if (node.concat) {
      var rows = [], cols = node.columns || node.concat.length;
      for (var i = 0; i < node.concat.length; i += cols) {
        rows.push(node.concat.slice(i, i + cols).map(across).reduce(sum, ZERO));
      }
      return rows.reduce(widest, ZERO);
    }
    return { width: typeof node.width === "number" ? node.width : DESIGN.width };
  }

  // On a narrow screen, panels side by side go one under the other.
  function stack(node) {
    if (Array.isArray(node)) { node.forEach(stack); return; }
    if (!node || typeof node !== "object") return;
    if (node.hconcat) { node.vconcat = node.hconcat; delete node.hconcat; }
    if (node.concat && (node.columns || 0) > 1) node.columns = 1;
    ["vconcat", "concat"].forEach(function (key) { if (node[key]) stack(node[key]); });
  }

  function prepared(spec, box, factor) {
    var copy = JSON.parse(JSON.stringify(spec));
    if (!composed(copy)) {
      copy.width = Math.max(160, box);
      copy.autosize = { type: "fit-x", contains: "padding" };
      return copy;
    }
    if (box < 600) stack(copy);
    if (factor === undefined) factor = (box - 90) / across(copy).width;
    scaleWidths(copy, Math.max(0.2, Math.min(factor, 2.5)));
    return copy;
  }

  var OPTIONS = {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false }
  };

  function embed(el, name, spec) {
    var options = Object.assign({ downloadFileName: name }, OPTIONS);
    return vegaEmbed(el, spec, options).then(function (result) {
      if (views[name]) views[name].finalize();
      views[name] = result.view;
      return result;
    });
  }

  function draw(el) {
    var name = el.getAttribute("data-figure");
    var box = Math.floor(el.clientWidth || DESIGN.width) - 4;
    var first = prepared(figures[name], box);
    return embed(el, name, first).then(function (result) {
      if (!composed(first)) return;
      var svg = el.querySelector("svg");
      var total = svg ? parseFloat(svg.getAttribute("width")) : box;
      if (Math.abs(total - box) <= 12) return;
      var scaled = across(first).width;
      var fixed = Math.min(Math.max(total - scaled, 30), 0.6 * box);
      var target = (box - fixed) / across(prepared(figures[name], box, 1)).width;
      return embed(el, name, prepared(figures[name], box, target));
    }).then(function () {
      el.setAttribute("data-drawn", "true");
    }).catch(function (error) {
      el.setAttribute("data-drawn", "error");
      el.textContent = "This chart could not be drawn here (" + error.message +
        "); its SVG and PNG files are beside the page.";
      console.error(error);
    });
  }

  function linkZoom() {
    var source = views.timeline;
    if (!source) return;
    var targets = Object.keys(views).filter(function (name) {
      if (name === "timeline") return false;
      try { views[name].signal("zoom"); return true; } catch (e) { return false; }
    });
    if (!targets.length) return;
    source.addSignalListener("brush", function (_, value) {
      var range = value && value.date ? [+value.date[0], +value.date[1]] : null;
      targets.forEach(function (name) {
        views[name].signal("zoom", range).runAsync();
      });
    });
  }

  var boxes = Array.prototype.slice.call(document.querySelectorAll("div.vega[data-figure]"));
  function drawAll() {
    return Promise.all(boxes.map(draw)).then(linkZoom);
  }
  drawAll().then(function () { document.body.setAttribute("data-charts", "ready"); });

  var lastWidth = window.innerWidth, timer = null;
  window.addEventListener("resize", function () {
    if (Math.abs(window.innerWidth - lastWidth) < 40) return;
    lastWidth = window.innerWidth;
    clearTimeout(timer);
    timer = setTimeout(drawAll, 300);
  });
})();
