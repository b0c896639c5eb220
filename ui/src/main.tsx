// Entry point: pick the backend (Tauri or the in-memory fake) and mount the app.
import { render } from "preact";
import { App } from "./app";
import { chooseBackend } from "./backend";
import { getLang } from "./i18n";

document.documentElement.lang = getLang();
const root = document.getElementById("app");
if (root) {
  void chooseBackend().then((backend) => render(<App backend={backend} />, root));
}
