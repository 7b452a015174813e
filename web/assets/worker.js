// The engine's worker: Go's wasm_exec.js comes before this, in one
// script. The page sends the compiled engine (a WebAssembly.Module) once,
// then requests; each answer is the engine's JSON text.
"use strict";
let ready = null;
self.onmessage = (e) => {
  const m = e.data;
  if (m.kind === "init") {
    ready = (async () => {
      const go = new Go();
      const instance = await WebAssembly.instantiate(m.module, go.importObject);
      go.run(instance); // returns once main blocks, leaving backpropEvaluate set
    })();
    ready.then(() => self.postMessage({ kind: "ready" }),
      (err) => self.postMessage({ kind: "failed", message: String(err) }));
    return;
  }
  ready.then(() => {
    let text;
    try {
      text = self.backpropEvaluate(JSON.stringify(m.request));
    } catch (err) {
      text = JSON.stringify({ error: { message: "the engine stopped: " + String(err) } });
    }
    self.postMessage({ kind: "answer", id: m.id, text });
  });
};
