// Runs app/minutes/static/verify.js against a tiny DOM: the picked file's SHA-256 fills the field
// and the form is sent. Prints {"value", "submitted", "hidden", "status"} as JSON.
import { readFileSync } from "node:fs";
import vm from "node:vm";

const bytes = readFileSync(0);
const listeners = {};
const form = { submitted: false, requestSubmit() { this.submitted = true; } };
const elements = {
  "verifica-file": { hidden: true, dataset: { working: "w", done: "d", failed: "f" } },
  "verifica-file-input": {
    files: [{ arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }],
    addEventListener(name, fn) { listeners[name] = fn; },
  },
  "verifica-file-stato": { textContent: "" },
  checksum: { value: "", form },
};
const window = { crypto: globalThis.crypto, FileReader: function () {} };
const context = { window, document: { getElementById: (id) => elements[id] || null }, Uint8Array, Array };
vm.runInNewContext(readFileSync("app/minutes/static/verify.js", "utf8"), context);
listeners.change();
await new Promise((resolve) => setTimeout(resolve, 200));
console.log(JSON.stringify({
  value: elements.checksum.value, submitted: form.submitted,
  hidden: elements["verifica-file"].hidden, status: elements["verifica-file-stato"].textContent,
}));
