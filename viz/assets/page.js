/* policykg lineage page: draws the graph embedded as JSON, with search, filters, a legend
   and a details panel. Every piece of document text is set with textContent, never as HTML.
   Exposes window.policykg = {nodes, edges, network, ready, visibleNodeIds, applyFilters}. */
(function () {
  "use strict";
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("policykg-data").textContent);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function tooltip(n) {
    var box = el("div");
    box.appendChild(el("b", n.label.replace(/\n/g, " — ")));
    Object.keys(n.info || {}).forEach(function (k) {
      if (k === "kind") return;
      var v = String(n.info[k]);
      if (v.length > 320) v = v.slice(0, 320) + "…";
      var row = el("div", null, "row");
      row.appendChild(el("span", k + ": ", "key"));
      row.appendChild(el("span", v));
      box.appendChild(row);
    });
    return box;
  }

  document.getElementById("title").textContent = data.title;
  document.getElementById("subtitle").textContent = data.subtitle;

  var GLYPHS = { star: "★", diamond: "◆", square: "■", dot: "●", hexagon: "⬢", triangleDown: "▼" };
  var FONTS = {
    central: { size: 22, bold: true, color: "#7f1d1d" },
    directive: { size: 17, color: "#7c2d12" },
    plan: { size: 18, color: "#1e3a8a" },
    task: { size: 12, color: "#134e4a" },
    group: { size: 14, color: "#134e4a" },
    agency: { size: 15, color: "#4c1d95" }
  };
  var bigEdges = data.edges.length > 1500;
  var edgeLabels = data.edges.length <= 80;  // beyond, colour and the legend say the relation
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign({}, n, {
      title: tooltip(n),
      font: FONTS[n.kind] || FONTS.task,
      widthConstraint: { maximum: n.kind === "task" || n.kind === "agency" || n.kind === "successor" ? 170 : 230 }
    });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var label = e.label;
    return Object.assign({}, e, {
      title: (data.relations[e.relation] || e.relation) + (e.count > 1 ? " ×" + e.count : ""),
      label: edgeLabels ? label : undefined,
      dashes: bigEdges ? false : e.dashes  // dashed lines are slow to draw by the thousand
    });
  }));
  var t1 = performance.now();
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, data.options);
  var state = { nodes: nodes, edges: edges, network: network, ready: false, timing: {} };
  state.timing.data = t1 - t0;
  state.timing.network = performance.now() - t1;
  window.policykg = state;

  // --- legend -------------------------------------------------------------------------
  var kindsPresent = {};
  data.nodes.forEach(function (n) { kindsPresent[n.kind] = (kindsPresent[n.kind] || 0) + 1; });
  var legendNodes = document.getElementById("legend-nodes");
  data.legend.forEach(function (k) {
    if (!kindsPresent[k.kind]) return;
    var li = el("li");
    var sw = el("span", GLYPHS[k.shape] || "●", "glyph");
    sw.style.color = k.color;
    li.appendChild(sw);
    li.appendChild(el("span", k.label + " (" + kindsPresent[k.kind] + ")"));
    legendNodes.appendChild(li);
  });
  var relPresent = {};
  data.edges.forEach(function (e) { relPresent[e.relation] = e; });
  var legendEdges = document.getElementById("legend-edges");
  Object.keys(data.relations).forEach(function (r) {
    if (!relPresent[r]) return;
    var li = el("li");
    var line = el("span", null, "line" + (relPresent[r].dashes ? " dashed" : ""));
    line.style.borderTopColor = relPresent[r].color;
    li.appendChild(line);
    li.appendChild(el("span", data.relations[r]));
    legendEdges.appendChild(li);
  });

  // --- filters ------------------------------------------------------------------------
  function fill(select, values) {
    values.forEach(function (v) {
      var o = el("option", v[1]);
      o.value = v[0];
      select.appendChild(o);
    });
  }
  var kindSel = document.getElementById("filter-kind");
  var agencySel = document.getElementById("filter-agency");
  var roleSel = document.getElementById("filter-role");
  var citySel = document.getElementById("filter-city");
  var search = document.getElementById("search");
  fill(kindSel, data.legend.filter(function (k) { return kindsPresent[k.kind]; })
    .map(function (k) { return [k.kind, k.label]; }));
  fill(agencySel, data.nodes.filter(function (n) { return n.kind === "agency"; })
    .map(function (n) { return [n.id, (n.info.name || n.label) + (n.city ? " (" + n.city + ")" : "")]; })
    .sort(function (a, b) { return a[1].localeCompare(b[1], "vi"); }));
  fill(roleSel, ["lead", "coordinating", "requested"].filter(function (r) { return relPresent[r]; })
    .map(function (r) { return [r, data.relations[r]]; }));
  var cities = {};
  data.nodes.forEach(function (n) { if (n.city) cities[n.city] = true; });
  fill(citySel, Object.keys(cities).sort().map(function (c) { return [c, c]; }));

  var roles = { lead: true, coordinating: true, requested: true };
  function matches(n, q) {
    if (!q) return true;
    var hay = (n.label + " " + Object.keys(n.info || {}).map(function (k) { return n.info[k]; }).join(" ")).toLowerCase();
    return hay.indexOf(q) >= 0;
  }

  function applyFilters() {
    var kind = kindSel.value, agency = agencySel.value, role = roleSel.value, city = citySel.value;
    var q = search.value.trim().toLowerCase();
    var linked = null;
    if (agency) {  // the agency, the tasks it has a role in, and what they belong to
      linked = {};
      linked[agency] = true;
      data.edges.forEach(function (e) {
        if (e.from === agency && roles[e.relation] && (!role || e.relation === role)) linked[e.to] = true;
      });
      data.edges.forEach(function (e) {
        if (linked[e.from] && byId[e.from].kind !== "agency") linked[e.to] = true;
      });
    }
    var hidden = {};
    var nodeUpdates = data.nodes.map(function (n) {
      var hide = (kind && n.kind !== kind) ||
        (city && n.city && n.city !== city) ||
        (linked && !linked[n.id] && n.kind !== "central" && n.kind !== "directive") ||
        (role && n.kind === "agency" && !data.edges.some(function (e) { return e.from === n.id && e.relation === role; })) ||
        !matches(n, q);
      if (hide) hidden[n.id] = true;
      return { id: n.id, hidden: !!hide };
    });
    nodes.update(nodeUpdates);
    edges.update(data.edges.map(function (e) {
      return { id: e.id, hidden: !!(hidden[e.from] || hidden[e.to] || (role && roles[e.relation] && e.relation !== role)) };
    }));
    var shown = data.nodes.length - Object.keys(hidden).length;
    document.getElementById("count").textContent = shown + " of " + data.nodes.length + " nodes shown, " + data.edges.length + " edges";
    return shown;
  }
  [kindSel, agencySel, roleSel, citySel].forEach(function (s) { s.addEventListener("change", applyFilters); });
  search.addEventListener("input", applyFilters);
  document.getElementById("reset").addEventListener("click", function () {
    kindSel.value = agencySel.value = roleSel.value = citySel.value = search.value = "";
    applyFilters();
    network.fit();
  });

  state.applyFilters = applyFilters;
  state.visibleNodeIds = function () {
    return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; });
  };

  // --- details panel ------------------------------------------------------------------
  function showDetails(id) {
    var n = byId[id];
    var list = document.getElementById("details-list");
    var link = document.getElementById("details-link");
    list.textContent = "";
    link.textContent = "";
    document.getElementById("details-hint").textContent = n ? n.label.replace(/\n/g, " — ") : "Click a node for its details.";
    if (!n) return;
    Object.keys(n.info || {}).forEach(function (k) {
      list.appendChild(el("dt", k));
      list.appendChild(el("dd", n.info[k]));
    });
    if (n.href && /^[a-z0-9-]+\.html$/.test(n.href)) {  // only this site's own page names
      var a = el("a", "Open its page →");
      a.setAttribute("href", n.href);
      link.appendChild(a);
    }
  }
  network.on("click", function (p) { showDetails(p.nodes.length ? p.nodes[0] : null); });
  network.on("doubleClick", function (p) {
    var n = p.nodes.length ? byId[p.nodes[0]] : null;
    if (n && n.href && /^[a-z0-9-]+\.html$/.test(n.href)) window.location.href = n.href;
  });
  state.showDetails = showDetails;

  applyFilters();
  network.once("afterDrawing", function () {
    state.timing.total = performance.now() - t0;
    state.ready = true;
    document.body.setAttribute("data-ready", "1");
  });
  network.fit();
})();
