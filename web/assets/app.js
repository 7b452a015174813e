// The page of backprop serve and backprop explain --format html: an
// editor for a graph program, the engine (WebAssembly, in a worker) run
// on every edit, and the backward pass stepped one contribution at a
// time, in the engine's order. Every number shown is the engine's: this
// script formats and draws, and derives nothing.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const LIMIT_MS = 5000; // a request that takes longer stops the engine

  // el makes an element; strings among kids become text nodes, never markup.
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Numbers: JSON holds them as numbers, or the strings "NaN", "+Inf"
  // and "-Inf"; a tensor is {shape, values} or {shape, size, min, max, mean}.
  const isTensor = (v) => v !== null && typeof v === "object";
  const toNum = (v) => (typeof v === "number" ? v : v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : NaN);
  function fmt(v) {
    if (isTensor(v)) {
      if (!v.values) return `[${v.shape.join(" ")}] min ${fmt(v.min)}, max ${fmt(v.max)}, mean ${fmt(v.mean)}`;
      const flat = flatten(v.values);
      if (flat.length <= 6) return JSON.stringify(v.values).replace(/,/g, ", ");
      return `[${v.shape.join(" ")}] tensor`;
    }
    const x = toNum(v);
    if (Number.isNaN(x)) return "NaN";
    if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
    if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
    const s = x.toPrecision(6);
    return s.includes("e") ? s.replace(/\.?0+e/, "e") : s.replace(/\.?0+$/, "");
  }
  const exact = (v) => (isTensor(v) ? JSON.stringify(v) : String(v));
  function flatten(a) {
    if (!Array.isArray(a)) return [toNum(a)];
    const out = [];
    const walk = (x) => { if (Array.isArray(x)) x.forEach(walk); else out.push(toNum(x)); };
    walk(a);
    return out;
  }
  const withValue = (expr, v) => {
    const n = fmt(v);
    return expr === "" || expr === n ? n : `${expr} = ${n}`;
  };

  // The state, which the URL fragment holds: a link reproduces the view.
  const norm = (st) => ({
    program: String(st.program || ""), of: String(st.of || ""), wrt: Array.isArray(st.wrt) ? st.wrt.map(String) : [],
    set: st.set && typeof st.set === "object" ? st.set : {}, order: st.order === 2 ? 2 : 1, step: Number(st.step) | 0,
  });
  let state = norm(JSON.parse($("bp-start").textContent));
  function encodeState() {
    const bytes = new TextEncoder().encode(JSON.stringify(state));
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function decodeState(s) {
    try {
      const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
      const st = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
      return typeof st.program === "string" ? norm(st) : null;
    } catch (e) {
      return null;
    }
  }
  if (location.hash.startsWith("#s=")) {
    const st = decodeState(location.hash.slice(3));
    if (st) state = st;
  }
  let hashTimer = 0;
  function saveState() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => history.replaceState(null, "", "#s=" + encodeState()), 150);
  }

  // The engine: this module's Go compiled to WebAssembly, in a worker, so
  // that a heavy program never blocks the page; one that runs past
  // LIMIT_MS is stopped and the worker made again.
  const engine = {
    module: null, worker: null, ready: null, next: 1, pending: new Map(),
    async compile() {
      const bin = atob($("bp-engine").textContent.trim());
      const gz = Uint8Array.from(bin, (c) => c.charCodeAt(0));
      const raw = await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
      this.module = await WebAssembly.compile(raw);
    },
    start() {
      const url = URL.createObjectURL(new Blob([$("bp-worker").textContent], { type: "text/javascript" }));
      const w = new Worker(url);
      URL.revokeObjectURL(url);
      this.worker = w;
      this.ready = new Promise((resolve, reject) => {
        w.onmessage = (e) => {
          const m = e.data;
          if (m.kind === "ready") resolve();
          else if (m.kind === "failed") reject(new Error(m.message));
          else if (m.kind === "answer") {
            const p = this.pending.get(m.id);
            if (p) {
              this.pending.delete(m.id); clearTimeout(p.timer);
              bp.bytes = m.text.length;
              p.resolve(JSON.parse(m.text));
            }
          }
        };
        w.onerror = (e) => reject(new Error(e.message));
      });
      w.postMessage({ kind: "init", module: this.module });
    },
    run(request) {
      return this.ready.then(() => new Promise((resolve, reject) => {
        const id = this.next++;
        const timer = setTimeout(() => {
          this.pending.delete(id);
          this.worker.terminate();
          for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(new Error("stopped")); }
          this.pending.clear();
          this.start();
          reject(new Error(`stopped: the program ran longer than ${LIMIT_MS / 1000} s; make it smaller`));
        }, LIMIT_MS);
        this.pending.set(id, { resolve, reject, timer });
        this.worker.postMessage({ kind: "explain", id, request });
      }));
    },
  };

  // What the last good answer shows.
  let view = null; // {resp, expl, second, diagram, steps, byName, ...}
  const bp = (window.__bp = { updates: 0, lastMs: 0, errors: 0, ready: false, view: () => view, state: () => state });

  // Requests: the newest wins; one runs at a time.
  let running = false, queued = false, editStart = 0;
  function request() {
    const r = { program: state.program, order: state.order };
    if (state.of.trim()) r.of = state.of.trim();
    const wrt = state.wrt.filter((w) => w.trim() !== "");
    if (wrt.length) r.wrt = wrt;
    if (Object.keys(state.set).length) r.set = state.set;
    return r;
  }
  function update(t0) {
    editStart = t0 || performance.now();
    if (running) { queued = true; return; }
    running = true;
    const started = editStart;
    const sent = performance.now();
    engine.run(request()).then((resp) => {
      bp.engineMs = performance.now() - sent;
      if (resp.error && /--set/.test(resp.error.message) && Object.keys(state.set).length) {
        state.set = {}; // the inputs changed: drop the values typed for the old ones
        queued = true;
        return;
      }
      show(resp, started);
    }, (err) => showError({ message: err.message })).finally(() => {
      running = false;
      if (queued) { queued = false; update(editStart); }
    });
  }

  function status(text, bad) {
    const s = $("status");
    s.textContent = text;
    s.classList.toggle("bad", !!bad);
  }

  // showError shows an error at its line and column, keeping the last
  // good result on screen.
  function showError(err) {
    bp.errors++;
    const pos = err.line ? `${err.line}:${err.col}: ` : "";
    $("src-error").textContent = pos + err.message;
    mirror(err.line, err.col);
    status(view ? "the result shown is the last good one" : "", true);
    bp.lastError = err;
  }
  function mirror(line, col) {
    const m = $("mirror");
    m.textContent = "";
    if (!line) return;
    const text = state.program;
    let off = 0;
    for (let l = 1; l < line && off >= 0; l++) off = text.indexOf("\n", off) + 1 || -1;
    if (off < 0) return;
    off += Math.max(0, col - 1); // columns count characters (runes)
    const pre = text.slice(0, off);
    let end = off + 1;
    if (end > text.length || text[off] === "\n") { end = off; }
    m.append(pre, el("mark", {}, end > off ? text.slice(off, end) : " "), text.slice(end) + "\n\n");
    m.scrollTop = $("src").scrollTop;
  }

  function show(resp, started) {
    const shown = performance.now();
    if (resp.error) { showError(resp.error); return; }
    $("src-error").textContent = "";
    mirror(0, 0);
    status("");
    const expl = resp.explanation;
    view = {
      resp, expl,
      second: resp.second || [],
      diagram: resp.diagram || null,
    };
    buildSteps(view);
    if (state.step > view.steps.length) state.step = view.steps.length;
    renderInputs(resp.inputs || []);
    renderGraph(view);
    renderTables(view);
    renderDetail();
    setStep(state.step, true);
    bp.lastMs = performance.now() - started;
    bp.renderMs = performance.now() - shown;
    // Painted: the frame after the changes, and the task after it.
    requestAnimationFrame(() => setTimeout(() => {
      bp.paintMs = performance.now() - started;
      bp.updates++;
      bp.ready = true;
    }));
  }

  // The steps: the forward pass a node at a time, the output's seed, the
  // rows in the order the engine made them (their step), and with the
  // second order each second pass after.
  function buildSteps(v) {
    const steps = [];
    v.expl.forward.forEach((f, i) => steps.push({ kind: "fwd", f, i }));
    const passes = [v.expl, ...v.second];
    passes.forEach((e, p) => {
      steps.push({ kind: "seed", e, pass: p });
      const rows = e.rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.step - b.r.step);
      for (const { r, i } of rows) steps.push({ kind: "row", r, i, pass: p, e });
    });
    // For each pass, each V's rows in step order: the running sum.
    steps.forEach((s, k) => { s.index = k; });
    v.steps = steps;
    v.rowStep = passes.map(() => new Map()); // row index → step index
    v.byV = passes.map(() => new Map()); // V → its row steps in order
    for (const s of steps) {
      if (s.kind !== "row") continue;
      v.rowStep[s.pass].set(s.i, s.index);
      const list = v.byV[s.pass].get(s.r.V) || [];
      list.push(s);
      v.byV[s.pass].set(s.r.V, list);
    }
    v.fwdStep = new Map();
    for (const s of steps) if (s.kind === "fwd") v.fwdStep.set(s.f.node, s.index);
    v.seedStep = steps.filter((s) => s.kind === "seed").map((s) => s.index);
  }

  // renderInputs shows the inputs' fields. When the inputs are the same
  // names as on screen, the fields stay (a slider being dragged is not
  // replaced under the pointer) and only a field not in use takes the new
  // value.
  let inputNames = null;
  function renderInputs(inputs) {
    const box = $("inputs");
    const names = JSON.stringify(inputs.map((i) => i.name));
    if (names === inputNames) {
      for (const inp of inputs) {
        for (const f of box.querySelectorAll("input")) {
          if (f.dataset.name === inp.name && f !== document.activeElement && toNum(f.value) !== toNum(inp.value)) f.value = String(toNum(inp.value));
        }
      }
      return;
    }
    inputNames = names;
    box.textContent = "";
    if (!inputs.length) box.append(el("p", { class: "note" }, "no scalar inputs"));
    for (const inp of inputs) {
      const v = toNum(inp.value);
      const span = Math.max(1, Math.abs(v)) * 2;
      const num = el("input", { type: "number", step: "any", value: String(v), "data-name": inp.name, "aria-label": `value of ${inp.name}` });
      const range = el("input", {
        type: "range", min: String(v - span), max: String(v + span), step: String(span / 100), value: String(v),
        "data-name": inp.name, "aria-label": `slider for ${inp.name}`,
      });
      const set = (x, from) => {
        if (!Number.isFinite(x)) return;
        state.set[inp.name] = x;
        if (from !== num) num.value = String(x);
        if (from !== range) range.value = String(x);
        saveState();
        update();
      };
      num.addEventListener("input", () => set(parseFloat(num.value), num));
      range.addEventListener("input", () => set(parseFloat(range.value), range));
      box.append(el("div", { class: "in" }, el("span", {}, inp.name), num, range));
    }
  }

  // The graph, laid out in layers: each node one layer after its latest
  // input, the order in each layer made by a few sweeps of the barycentre
  // of the neighbours, drawn left to right.
  const NW = 168, NH = 50, GX = 56, GY = 16;
  function layout(d, boxWidth) {
    const idx = new Map(d.nodes.map((n, i) => [n.id, i]));
    const ins = d.nodes.map(() => []), outs = d.nodes.map(() => []);
    for (const e of d.edges) {
      const a = idx.get(e.from), b = idx.get(e.to);
      if (a === undefined || b === undefined) continue;
      ins[b].push(a); outs[a].push(b);
    }
    const rank = d.nodes.map(() => 0);
    d.nodes.forEach((_, i) => { for (const a of ins[i]) rank[i] = Math.max(rank[i], rank[a] + 1); }); // nodes come in order of creation
    // Pull each input forward to just before its first consumer: inputs sit beside their use.
    for (let i = d.nodes.length - 1; i >= 0; i--) {
      if (outs[i].length) rank[i] = Math.max(rank[i], Math.min(...outs[i].map((b) => rank[b])) - 1);
    }
    const layers = [];
    rank.forEach((r, i) => { (layers[r] = layers[r] || []).push(i); });
    const pos = new Float64Array(d.nodes.length);
    layers.forEach((l) => l.forEach((n, k) => { pos[n] = k; }));
    const sweep = (L, nb) => {
      for (const l of L) {
        const key = new Map();
        for (const n of l) {
          const ns = nb[n];
          key.set(n, ns.length ? ns.reduce((s, m) => s + pos[m], 0) / ns.length : pos[n]);
        }
        l.sort((a, b) => key.get(a) - key.get(b));
        l.forEach((n, k) => { pos[n] = k; });
      }
    };
    for (let it = 0; it < 4; it++) { sweep(layers, ins); sweep([...layers].reverse(), outs); }
    const tall = Math.max(1, ...layers.map((l) => l.length));
    // A graph longer than the box is wide (a chain, say) wraps into bands
    // of layers, read left to right and then down, as text is.
    const perBand = Math.max(3, Math.floor((boxWidth - 20 + GX) / (NW + GX)));
    const bands = layers.length > perBand ? Math.ceil(layers.length / perBand) : 1;
    const cols = bands > 1 ? perBand : layers.length;
    const bandH = tall * (NH + GY) - GY + (bands > 1 ? 3 * GY : GY);
    const xy = d.nodes.map(() => [0, 0]);
    layers.forEach((l, r) => {
      const off = ((tall - l.length) * (NH + GY)) / 2;
      const band = Math.floor(r / cols), c = r % cols;
      l.forEach((n, k) => { xy[n] = [10 + c * (NW + GX), 10 + band * bandH + off + k * (NH + GY)]; });
    });
    const bandTop = (y) => 10 + Math.floor((y - 10) / bandH) * bandH;
    return { xy, idx, bandTop, width: 20 + cols * (NW + GX) - GX, height: 20 + bands * bandH - (bands > 1 ? 3 * GY : GY) };
  }
  const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

  // The drawing's scale: 1 is its natural size; "fit" makes it the
  // width of its box.
  let zoom = 1;
  function applyZoom() {
    const g = $("graph");
    if (!g.dataset.w) return;
    g.setAttribute("width", String(Math.round(+g.dataset.w * zoom)));
    g.setAttribute("height", String(Math.round(+g.dataset.h * zoom)));
  }
  function zoomBy(f) { zoom = Math.min(4, Math.max(0.05, zoom * f)); applyZoom(); }
  function zoomFit() {
    const g = $("graph");
    if (g.dataset.w) { zoom = Math.min(1, (g.parentElement.clientWidth - 4) / +g.dataset.w); applyZoom(); }
  }

  let drawn = null; // what the graph on screen was drawn from: its structure, and its elements
  function renderGraph(v) {
    const g = $("graph");
    const d0 = v.diagram;
    const sig = d0 ? JSON.stringify([d0.nodes.map((n) => [n.id, n.name, n.op, isTensor(n.value) ? n.value.shape : 0]), d0.edges.map((e) => [e.from, e.to, e.local])]) : "";
    if (drawn && drawn.sig === sig && d0) {
      // The same graph with other numbers: keep the drawing.
      v.nodeEl = drawn.nodeEl; v.edgeEls = drawn.edgeEls; v.idOf = drawn.idOf;
      d0.nodes.forEach((n) => { v.nodeEl.get(n.name).n = n; });
      return;
    }
    g.textContent = "";
    v.nodeEl = new Map(); v.edgeEls = new Map();
    const d = v.diagram;
    if (!d || !d.nodes.length) {
      delete g.dataset.w;
      g.setAttribute("width", "400"); g.setAttribute("height", "30");
      g.append(svg("text", { x: 10, y: 20 }, d ? "no nodes to draw" : "the graph is too big to draw here; the tables have every step"));
      drawn = null;
      return;
    }
    const L = layout(d, g.parentElement.clientWidth || 1000);
    g.dataset.w = String(L.width); g.dataset.h = String(L.height);
    applyZoom();
    g.setAttribute("viewBox", `0 0 ${L.width} ${L.height}`);
    const labels = d.edges.length <= 120;
    const edges = svg("g"), nodes = svg("g");
    for (const e of d.edges) {
      const a = L.xy[L.idx.get(e.from)], b = L.xy[L.idx.get(e.to)];
      const x1 = a[0] + NW, y1 = a[1] + NH / 2, x2 = b[0], y2 = b[1] + NH / 2;
      let mx = (x1 + x2) / 2, my = (y1 + y2) / 2, path;
      if (x2 > x1) {
        path = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 4},${y2}`;
      } else {
        // To a later band: down the gap after the source, back along the
        // gap above the target's band, and in.
        const gy = L.bandTop(b[1]) - GY;
        mx = (x1 + x2) / 2; my = gy;
        path = `M${x1},${y1} C${x1 + GX / 2},${y1} ${x1 + GX / 2},${gy} ${x1},${gy} L${x2},${gy} C${x2 - GX / 2},${gy} ${x2 - GX / 2},${y2} ${x2 - 4},${y2}`;
      }
      const p = svg("path", { class: "edge", d: path, "marker-end": "url(#arrow)" });
      edges.append(p);
      const key = e.from + ">" + e.to;
      const list = v.edgeEls.get(key) || [];
      list.push(p);
      if (labels && e.local) {
        const t = svg("text", { class: "elabel", x: mx, y: my - 3, "text-anchor": "middle" }, clip(e.local, 22));
        t.append(svg("title", {}, `∂C/∂V = ${e.local}`));
        edges.append(t);
        list.push(t);
      }
      v.edgeEls.set(key, list);
    }
    const defs = svg("defs");
    const m = svg("marker", { id: "arrow", viewBox: "0 0 8 8", refX: "7", refY: "4", markerWidth: "7", markerHeight: "7", orient: "auto" });
    m.append(svg("path", { d: "M0,0 L8,4 L0,8 z", fill: "#999" }));
    defs.append(m);
    d.nodes.forEach((n, i) => {
      const [x, y] = L.xy[i];
      const label = n.op !== "input" && n.op !== n.name ? `${n.name} = ${n.op}` : n.op === "input" ? `${n.name} (input)` : n.name;
      const grp = svg("g", { class: "node", transform: `translate(${x},${y})`, tabindex: "0", role: "button", "aria-label": `node ${label}` });
      grp.append(svg("rect", { width: NW, height: NH, rx: 6 }));
      grp.append(svg("text", { x: 6, y: 14 }, clip(label, 24)));
      const shape = isTensor(n.value) ? ` [${n.value.shape.join("×")}]` : "";
      const val = svg("text", { class: "val", x: 6, y: 29 }, "");
      const grad = svg("text", { class: "grad", x: 6, y: 44 }, "");
      grp.append(val, grad, svg("title", {}, label));
      nodes.append(grp);
      const open = () => { selectNode(n.name); jumpToNode(n.name); };
      grp.addEventListener("click", open);
      grp.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); open(); } });
      v.nodeEl.set(n.name, { grp, val, grad, n, shape });
    });
    g.append(defs, edges, nodes);
    v.idOf = new Map(d.nodes.map((n) => [n.name, n.id]));
    drawn = { sig, nodeEl: v.nodeEl, edgeEls: v.edgeEls, idOf: v.idOf };
  }

  // A table of many rows is a column of tables of CHUNK rows each, all
  // with the same fixed column widths, each drawn only when it is near
  // the screen (content-visibility): an edit that changes every number
  // lays out the rows in view, not all of them. Rows are reused: an edit
  // that changes numbers only rewrites the cells that changed.
  const CHUNK = 40;
  const CALC = [["V", 7], ["C", 7], ["op", 15], ["∂C/∂V", 14], ["inputs", 21], ["contribution", 18], ["G", 18]];
  const FWD = [["node", 14], ["operation", 22], ["inputs", 44], ["value", 20]];
  function table(box, cols) {
    box.classList.add("tbl");
    const chunks = []; // {tbody}
    const rows = [];
    const addChunk = () => {
      const t = el("table");
      const cg = el("colgroup");
      for (const [, w] of cols) cg.append(el("col", { style: `width:${w}%` }));
      t.append(cg);
      if (!chunks.length) t.append(el("thead", {}, el("tr", {}, ...cols.map(([h]) => el("th", {}, h)))));
      const tbody = el("tbody");
      t.append(tbody);
      box.append(el("div", { class: "chunk" }, t));
      chunks.push(tbody);
    };
    // fill makes the rows those of items; cellsOf gives a row's cells as
    // [text, exact value or undefined].
    const fill = (items, cellsOf) => {
      while (rows.length > items.length) rows.pop().remove();
      while (chunks.length > 1 && chunks.length > Math.ceil(items.length / CHUNK)) chunks.pop().closest(".chunk").remove();
      items.forEach((item, i) => {
        const cs = cellsOf(item);
        let tr = rows[i];
        if (!tr) {
          if (i >= chunks.length * CHUNK) addChunk();
          tr = document.createElement("tr");
          tr.tabIndex = 0;
          tr.dataset.i = String(i);
          for (const c of cs) {
            const td = document.createElement("td");
            if (c[1] !== undefined) td.className = "late";
            tr.append(td);
          }
          chunks[Math.floor(i / CHUNK)].append(tr);
          rows.push(tr);
        }
        cs.forEach(([text, val], k) => {
          const td = tr.cells[k];
          if (td.textContent !== text) td.textContent = text;
          if (val !== undefined && td.dataset.value !== val) td.dataset.value = val;
        });
      });
      if (!chunks.length) addChunk();
      return rows;
    };
    return { fill };
  }
  // jumps makes a click on a row of box, or Enter on it, go to the step
  // step(i) gives for its index.
  function jumps(box, step) {
    const go = (e) => {
      const tr = e.target.closest("tr[data-i]");
      if (!tr || !box.contains(tr) || !view) return;
      if (e.type === "keydown" && e.key !== "Enter") return;
      const k = step(Number(tr.dataset.i));
      if (k !== undefined) setStep(k + 1);
    };
    box.addEventListener("click", go);
    box.addEventListener("keydown", go);
  }
  const rowCells = (r) => [[r.V], [r.C], [r.op], [r.local], [r.inputs],
    [withValue(r.contribution, r.contribution_value), exact(r.contribution_value)], [withValue(r.G, r.G_value), exact(r.G_value)]];
  let fwdTable, calcTable, secondTables = [];
  function renderTables(v) {
    v.fwdRows = fwdTable.fill(v.expl.forward, (f) => [[f.node], [f.op], [f.inputs], [fmt(f.value), exact(f.value)]]);
    v.calcRows = [calcTable.fill(v.expl.rows, rowCells)];
    const sec = $("second");
    if (secondTables.length !== v.second.length) {
      sec.textContent = "";
      secondTables = v.second.map((e, k) => {
        const h = el("h2");
        const box = el("div", { class: "pass" });
        sec.append(h, el("div", { class: "scroll" }, box));
        jumps(box, (i) => view.rowStep[k + 1].get(i));
        return { h, t: table(box, CALC) };
      });
    }
    v.second.forEach((e, k) => {
      secondTables[k].h.textContent = `Second pass ${k + 1}: ∂/∂ of ∂${e.of}/∂${e.first}`;
      v.calcRows.push(secondTables[k].t.fill(e.rows, rowCells));
    });
    const ans = $("answers");
    ans.textContent = "";
    for (const a of v.expl.answers) {
      ans.append(el("p", { class: "answer", "data-wrt": a.wrt, "data-value": exact(a.value) }, `∂${v.expl.of}/∂${a.wrt} = ${withValue(a.expr, a.value)}`));
    }
  }

  // Changing only what changed keeps the browser's work to that.
  const setText = (e, t) => { if (e.textContent !== t) e.textContent = t; };
  const setClass = (e, c) => { if (e.className !== c) e.className = c; };

  // setStep shows the state after the first k steps.
  function setStep(k, quiet) {
    if (!view) return;
    k = Math.max(0, Math.min(view.steps.length, k | 0));
    state.step = k;
    const v = view, cur = k > 0 ? v.steps[k - 1] : null;
    // The forward rows and the nodes' values.
    v.fwdRows.forEach((tr, i) => {
      const at = v.fwdStep.get(v.expl.forward[i].node);
      setClass(tr, at < k - 1 ? "done" : at === k - 1 ? "cur" : "todo");
    });
    v.calcRows.forEach((rows, p) => rows.forEach((tr, i) => {
      const at = v.rowStep[p].get(i);
      setClass(tr, at < k - 1 ? "done" : at === k - 1 ? "cur" : "todo");
    }));
    // The graph: values once computed, G as it builds up (first pass).
    const byV = v.byV[0];
    for (const [name, ne] of v.nodeEl) {
      const at = v.fwdStep.has(name) ? v.fwdStep.get(name) : -1;
      const known = at < k;
      setText(ne.val, known ? "value " + clip(fmt(ne.n.value), 18) + ne.shape : "value ?");
      let g = "G ?";
      if (name === v.expl.of && k > v.seedStep[0]) g = "G 1";
      const rows = byV.get(name);
      if (rows) {
        const done = rows.filter((s) => s.index < k);
        if (done.length === rows.length) g = "G " + clip(fmt(ne.n.grad), 20);
        else if (done.length) g = `G so far ${clip(fmt(done[done.length - 1].r.partial), 14)}`;
      }
      setText(ne.grad, g);
      const c = cur && (cur.kind === "fwd" && cur.f.node === name || cur.kind === "row" && cur.pass === 0 && cur.r.C === name);
      const isV = cur && cur.kind === "row" && cur.pass === 0 && cur.r.V === name;
      const cls = "node" + (known ? " fwd" : "") + (c ? " cur" : "") + (isV ? " v" : "");
      if (ne.grp.getAttribute("class") !== cls) ne.grp.setAttribute("class", cls);
    }
    for (const list of v.edgeEls.values()) for (const e of list) e.classList.remove("cur", "flow");
    if (cur && cur.kind === "row" && cur.pass === 0 && v.idOf) {
      const list = v.edgeEls.get(v.idOf.get(cur.r.V) + ">" + v.idOf.get(cur.r.C)) || [];
      for (const e of list) e.classList.add("cur", "flow");
      if (list[0] && !quiet) list[0].scrollIntoView?.({ block: "nearest", inline: "nearest" });
    }
    narrate(cur, k);
    $("counter").textContent = `step ${k} of ${v.steps.length}`;
    $("back").disabled = k === 0; $("first").disabled = k === 0;
    $("next").disabled = k === v.steps.length; $("last").disabled = k === v.steps.length;
    saveState();
  }

  // narrate says what step cur did, with the numbers put in, for the eye
  // (the rule) and for a screen reader (the narration, aria-live).
  function narrate(cur, k) {
    const v = view;
    let say = "", rule = "";
    if (!cur) {
      say = `Start: ${v.steps.length} steps, the forward pass and then the backward pass. Press → to step.`;
    } else if (cur.kind === "fwd") {
      const f = cur.f;
      if (f.op === "input") {
        say = `Forward: ${f.node} is an input, ${fmt(f.value)}.`;
        rule = `${f.node} = ${fmt(f.value)}`;
      } else {
        say = `Forward: ${f.node} = ${f.op}` + (f.inputs ? `, with ${f.inputs}` : "") + `, is ${fmt(f.value)}.`;
        rule = `${f.node} = ${f.op}` + (f.inputs ? `   (${f.inputs})` : "") + `\n     = ${fmt(f.value)}`;
      }
    } else if (cur.kind === "seed") {
      const e = cur.e;
      const y = e.first ? `∂${e.of}/∂${e.first}` : e.of;
      say = cur.pass === 0
        ? `Backward: the gradient table starts with G(${y}) = 1, the output's derivative with respect to itself.`
        : `Second pass ${cur.pass}: the first derivative ${y} is a graph too; backpropagate it, starting from G = 1.`;
      rule = `grad_table[${y}] = 1`;
    } else {
      const r = cur.r;
      const local = r.local === "" ? "" : [r.local, r.local_at, fmt(r.local_value)].filter((s, i, a) => s !== "" && a.indexOf(s) === i).join(" = ");
      const lines = [];
      if (local) lines.push(`∂${r.C}/∂${r.V} = ${local}` + (r.inputs ? `   (${r.inputs})` : ""));
      lines.push(local
        ? `contribution = ∂${r.C}/∂${r.V} · G(${r.C}) = ${withValue(r.contribution, r.contribution_value)}`
        : `contribution = bprop of ${r.op}: ${withValue(r.contribution, r.contribution_value)}`);
      const mine = v.byV[cur.pass].get(r.V) || [];
      const n = mine.indexOf(cur);
      if (mine.length > 1) {
        const parts = mine.slice(0, n + 1).map((s) => fmt(s.r.contribution_value));
        lines.push(n + 1 < mine.length
          ? `G(${r.V}) so far = ${parts.join(" + ")} = ${fmt(r.partial)}   (${n + 1} of ${mine.length} consumers)`
          : `G(${r.V}) = ${parts.join(" + ")} = ${withValue(r.G, r.G_value)}   (all ${mine.length} consumers)`);
      } else {
        lines.push(`G(${r.V}) = ${withValue(r.G, r.G_value)}`);
      }
      rule = lines.join("\n");
      say = `Backward, ${r.C} to ${r.V}: ` + lines.join("; ") + ".";
    }
    $("rule").textContent = rule;
    $("narration").textContent = `Step ${k}. ` + say;
  }

  function jumpToNode(name) {
    const v = view;
    const rows = v.byV[0].get(name);
    if (rows && rows.length) setStep(rows[rows.length - 1].index + 1);
    else if (v.fwdStep.has(name)) setStep(v.fwdStep.get(name) + 1);
  }

  // The detail of a node: its value and gradient, heat maps for a tensor,
  // and the check of its gradient by a nudge.
  let selected = null;
  function selectNode(name) { selected = name; renderDetail(); }
  function renderDetail() {
    const box = $("detail");
    const ne = view && selected && view.nodeEl.get(selected);
    if (!ne) { box.hidden = true; return; }
    const n = ne.n;
    box.hidden = false;
    box.textContent = "";
    box.append(el("h2", {}, `${n.name}` + (n.op !== "input" && n.op !== n.name ? ` = ${n.op}` : "")));
    box.append(el("p", {}, `value ${fmt(n.value)}`), el("p", {}, `G ${fmt(n.grad)}`));
    if (isTensor(n.value)) {
      const maps = el("div", { class: "maps" });
      maps.append(heat("value", n.value), heat("gradient", n.grad));
      box.append(maps);
    }
    const eps = el("input", { type: "number", step: "any", value: "0.0001", "aria-label": "nudge" });
    const out = el("p", { "aria-live": "polite" });
    const btn = el("button", { type: "button" }, "check G by a nudge");
    btn.addEventListener("click", () => {
      out.textContent = "…";
      const r = request();
      r.check = n.name; r.eps = parseFloat(eps.value) || 0;
      engine.run(r).then((resp) => {
        if (resp.error) { out.textContent = resp.error.message; return; }
        const c = resp.check;
        const rel = Math.abs(toNum(c.actual) - toNum(c.predicted)) / Math.max(Math.abs(toNum(c.predicted)), 1e-300);
        out.textContent = `nudge ${n.name} by ε = ${fmt(c.eps)}: the output changes by ${fmt(c.actual)}; ` +
          `G·ε = ${fmt(c.predicted)} (relative difference ${rel.toExponential(1)})`;
        out.dataset.actual = String(c.actual); out.dataset.predicted = String(c.predicted);
      }, (err) => { out.textContent = err.message; });
    });
    box.append(el("div", {}, el("label", {}, "ε ", eps), " ", btn), out);
  }
  function heat(what, t) {
    const fig = el("figure");
    if (!isTensor(t) || !t.values) {
      fig.append(el("figcaption", {}, `${what}: ${fmt(t)}`));
      return fig;
    }
    const vals = flatten(t.values), shape = t.shape;
    const cols = shape.length ? shape[shape.length - 1] : 1, rows = Math.max(1, vals.length / Math.max(cols, 1));
    const c = el("canvas", { width: String(cols), height: String(rows), role: "img", "aria-label": `${what} heat map, ${shape.join(" by ")}` });
    const scale = Math.max(1, Math.floor(160 / Math.max(cols, rows)));
    c.style.width = cols * scale + "px"; c.style.height = rows * scale + "px";
    const ctx = c.getContext("2d");
    const img = ctx.createImageData(cols, rows);
    const m = Math.max(1e-300, ...vals.filter(Number.isFinite).map(Math.abs));
    vals.forEach((x, i) => {
      const s = Number.isFinite(x) ? x / m : 0, a = Math.abs(s);
      const [r, g, b] = s >= 0 ? [255, 255 - 200 * a, 255 - 220 * a] : [255 - 220 * a, 255 - 150 * a, 255];
      img.data.set([r, g, b, 255], 4 * i);
    });
    ctx.putImageData(img, 0, 0);
    fig.append(c, el("figcaption", {}, `${what} [${shape.join("×")}], |max| ${fmt(m)}: red positive, blue negative`));
    return fig;
  }

  // Playing steps on a timer; the speed is steps per two seconds.
  let playTimer = 0;
  function play(on) {
    clearInterval(playTimer);
    playTimer = 0;
    const b = $("play");
    if (on && view && state.step < view.steps.length) {
      playTimer = setInterval(() => {
        if (state.step >= view.steps.length) { play(false); return; }
        setStep(state.step + 1);
      }, 2000 / Number($("speed").value));
    }
    b.textContent = playTimer ? "⏸ pause" : "▶ play";
    b.setAttribute("aria-label", playTimer ? "pause" : "play");
  }
  const step = (d) => { play(false); setStep(state.step + d); };

  function wire() {
    fwdTable = table($("fwd"), FWD);
    calcTable = table($("calc"), CALC);
    jumps($("fwd"), (i) => view.fwdStep.get(view.expl.forward[i].node));
    jumps($("calc"), (i) => view.rowStep[0].get(i));
    const src = $("src");
    src.value = state.program;
    $("of").value = state.of || "";
    $("wrt").value = (state.wrt || []).join(", ");
    $("order2").checked = state.order === 2;
    src.addEventListener("input", (e) => { state.program = src.value; saveState(); update(e.timeStamp || performance.now()); });
    src.addEventListener("scroll", () => { $("mirror").scrollTop = src.scrollTop; });
    $("of").addEventListener("input", (e) => { state.of = e.target.value; saveState(); update(); });
    $("wrt").addEventListener("input", (e) => { state.wrt = e.target.value.split(",").map((s) => s.trim()).filter(Boolean); saveState(); update(); });
    $("order2").addEventListener("change", (e) => { state.order = e.target.checked ? 2 : 1; saveState(); update(); });
    $("zoom-in").addEventListener("click", () => zoomBy(1.25));
    $("zoom-out").addEventListener("click", () => zoomBy(0.8));
    $("zoom-fit").addEventListener("click", zoomFit);
    $("first").addEventListener("click", () => { play(false); setStep(0); });
    $("back").addEventListener("click", () => step(-1));
    $("next").addEventListener("click", () => step(1));
    $("last").addEventListener("click", () => { play(false); setStep(view ? view.steps.length : 0); });
    $("play").addEventListener("click", () => play(!playTimer));
    $("speed").addEventListener("input", () => { if (playTimer) play(true); });
    document.addEventListener("keydown", (e) => {
      const t = e.target;
      if (t && (t.tagName === "TEXTAREA" || t.tagName === "INPUT" || t.tagName === "SELECT")) return; // their keys are their own
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const sp = $("speed");
      switch (e.key) {
        case "ArrowRight": step(1); break;
        case "ArrowLeft": step(-1); break;
        case "Home": play(false); setStep(0); break;
        case "End": play(false); setStep(view ? view.steps.length : 0); break;
        case " ": if (t && t.tagName === "BUTTON") return; play(!playTimer); break;
        case "+": case "=": sp.value = String(Math.min(10, +sp.value + 1)); if (playTimer) play(true); break;
        case "-": sp.value = String(Math.max(1, +sp.value - 1)); if (playTimer) play(true); break;
        default: return;
      }
      e.preventDefault();
    });
  }

  async function main() {
    $("static").hidden = true;
    $("app").hidden = false;
    wire();
    status("starting the engine…");
    try {
      await engine.compile();
      engine.start();
      await engine.ready;
    } catch (err) {
      status("the engine could not start: " + err.message, true);
      $("static").hidden = false;
      return;
    }
    status("");
    update();
  }
  main();
})();
