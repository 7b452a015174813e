// run.js runs an ONNX model in ONNX Runtime for the tests of package
// export: node run.js MODEL INPUTS OUTPUTS [REPEAT]. INPUTS is JSON, an
// object of {dtype, shape, data} by input name (int64 data as decimal
// strings); OUTPUTS gets the outputs in the same form, numbers written
// exactly (the shortest decimal that reads back as the same float64).
// An input may instead name a FILE of COUNT tensors of its shape, raw
// little-endian, one after another: {dtype, shape, file, count}; run i
// reads tensor i mod COUNT (the batches of a training run). With REPEAT,
// the model runs REPEAT times, each run's outputs named as inputs fed to
// the next (a training step: "new_w" feeds "w"), and the outputs are the
// last run's.
const fs = require('fs');
const ort = require('onnxruntime-node');

const [model, inputsFile, outputsFile, repeatArg] = process.argv.slice(2);
const repeat = repeatArg ? parseInt(repeatArg, 10) : 1;

const arrays = { float32: Float32Array, float64: Float64Array, int64: BigInt64Array };

// cycled returns the function of the run number that gives the tensor of
// a file input.
function cycled(v) {
  const buf = fs.readFileSync(v.file);
  const n = v.shape.reduce((a, b) => a * b, 1);
  const A = arrays[v.dtype];
  const all = new A(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return (i) => new ort.Tensor(v.dtype, all.slice((i % v.count) * n, (i % v.count + 1) * n), v.shape);
}

function toTensor(v) {
  switch (v.dtype) {
    case 'float32': return new ort.Tensor('float32', Float32Array.from(v.data.map(numberOf)), v.shape);
    case 'float64': return new ort.Tensor('float64', Float64Array.from(v.data.map(numberOf)), v.shape);
    case 'int64': return new ort.Tensor('int64', BigInt64Array.from(v.data.map(BigInt)), v.shape);
    case 'bool': return new ort.Tensor('bool', Uint8Array.from(v.data), v.shape);
  }
  throw new Error('unknown dtype ' + v.dtype);
}

function numberOf(x) {
  if (x === 'NaN') return NaN;
  if (x === 'Inf') return Infinity;
  if (x === '-Inf') return -Infinity;
  if (x === '-0') return -0;
  return x;
}

function fromTensor(t) {
  const data = Array.from(t.data, (x) => {
    if (typeof x === 'bigint') return x.toString();
    if (Number.isNaN(x)) return 'NaN';
    if (x === Infinity) return 'Inf';
    if (x === -Infinity) return '-Inf';
    if (Object.is(x, -0)) return '-0';
    return x;
  });
  return { dtype: t.type, shape: t.dims, data };
}

(async () => {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const raw = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
  let feeds = {};
  const files = {};
  for (const [name, v] of Object.entries(raw)) {
    if (v.file) files[name] = cycled(v);
    else feeds[name] = toTensor(v);
  }
  let results;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) {
    for (const [name, f] of Object.entries(files)) feeds[name] = f(i);
    results = await session.run(feeds);
    if (i + 1 < repeat) {
      for (const [name, t] of Object.entries(results)) {
        if (name.startsWith('new_') && (name.slice(4) in feeds)) feeds[name.slice(4)] = t;
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = { _seconds: seconds };
  for (const [name, t] of Object.entries(results)) out[name] = fromTensor(t);
  fs.writeFileSync(outputsFile, JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(1);
});
