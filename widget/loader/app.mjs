/* The glue module the loader imports (chatflow_widget.js): wasm-bindgen's glue
 * (glue.js, as scripts/build-widget.sh stages it) and the panel drawn before the app
 * (shell.mjs), bundled by esbuild. `mount` is the app's, followed by the hand-over
 * from that panel, so the loader calls one function as before. */
import init, { mount as mountApp } from "./glue.js";
import { handover } from "./shell.mjs";

export * from "./glue.js";
export { prepare } from "./shell.mjs";
export default init;

export function mount(root, launcher, config, lang, open, nudge) {
  mountApp(root, launcher, config, lang, open, nudge);
  handover();
}
