// @ts-check
/* global document, window, history, location, URLSearchParams, HTMLAnchorElement, Element, FormData, setInterval */
/**
 * The explorer's single-page app: routes URL paths to page renderers (pages.js), intercepts
 * in-app links so navigation stays in the page, and shows errors from the API as they come.
 */
import { ApiError } from "./api.js";
import { h } from "./dom.js";
import * as pages from "./pages.js";

/** @typedef {(params: any, query: URLSearchParams) => Promise<any>} Page */

/** @type {[RegExp, Page, string][]} path pattern, renderer, document title */
const ROUTES = [
  [/^\/$/, pages.home, "Latest batches"],
  [/^\/batches$/, pages.batches, "Batches"],
  [/^\/batch\/(?<id>\d+)$/, pages.batch, "Batch"],
  [/^\/tx\/(?<id>0x[0-9a-fA-F]{64})$/, pages.tx, "Transaction"],
  [/^\/accounts$/, pages.accounts, "Accounts"],
  [/^\/account\/(?<id>\d+)$/, pages.account, "Account"],
  [/^\/contributions$/, pages.contributions, "Contributions"],
  [/^\/contribution\/(?<id>\d+)$/, pages.contribution, "Contribution"],
  [/^\/models$/, pages.models, "Models"],
  [/^\/model\/(?<id>\d+)$/, pages.model, "Model"],
  [/^\/inferences$/, pages.inferences, "Inferences"],
  [/^\/inference\/(?<id>\d+)$/, pages.inference, "Inference"],
  [/^\/epochs$/, pages.epochs, "Reward epochs"],
  [/^\/epoch\/(?<id>\d+)$/, pages.epoch, "Reward epoch"],
  [/^\/search$/, pages.search, "Search"],
];

const main = /** @type {HTMLElement} */ (document.getElementById("main"));
/** Increases with each navigation, so a slow page never replaces a newer one. */
let generation = 0;

/** Renders the page at the current URL; `quiet` (a refresh) skips the loading state. */
async function render(quiet = false) {
  const mine = ++generation;
  const { pathname, search } = location;
  const route = ROUTES.find(([re]) => re.test(pathname));
  if (!quiet) main.setAttribute("aria-busy", "true");
  let content;
  if (!route) {
    content = [h("h1", null, "Not found"), h("p", null, `No page at ${pathname}.`)];
  } else {
    const [re, page, title] = route;
    document.title = `${title} · OpenLedger explorer`;
    try {
      content = await page(re.exec(pathname)?.groups ?? {}, new URLSearchParams(search));
    } catch (e) {
      content = errorPage(e);
    }
  }
  if (mine !== generation) return;
  if (content && !Array.isArray(content) && content.redirect) {
    history.replaceState(null, "", content.redirect);
    return render();
  }
  main.replaceChildren(...[content].flat().filter(Boolean));
  main.setAttribute("aria-busy", "false");
  for (const a of document.querySelectorAll("header nav a")) {
    const href = a.getAttribute("href") ?? "";
    a.classList.toggle(
      "active",
      href === "/"
        ? pathname === "/" || pathname.startsWith("/batch")
        : pathname.startsWith(href.replace(/s$/, "")),
    );
  }
}

/** @param {unknown} e */
function errorPage(e) {
  if (e instanceof ApiError && e.code === "NOT_FOUND")
    return [h("h1", null, "Not found"), h("p", null, `${e.message}.`)];
  const message = e instanceof Error ? e.message : String(e);
  return [h("h1", null, "Something went wrong"), h("p.alert", null, message)];
}

/** @param {string} href */
function go(href) {
  history.pushState(null, "", href);
  window.scrollTo(0, 0);
  void render();
}

document.addEventListener("click", (ev) => {
  const a = ev.target instanceof Element ? ev.target.closest("a[data-link]") : null;
  if (!(a instanceof HTMLAnchorElement) || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  go(a.getAttribute("href") ?? "/");
});

const form = /** @type {HTMLFormElement} */ (document.getElementById("search"));
form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = String(new FormData(form).get("q") ?? "").trim();
  if (!q) return;
  form.reset();
  go(`/search?q=${encodeURIComponent(q)}`);
});

window.addEventListener("popstate", () => void render());
// The latest batches follow the chain: new batches and L1 progress show up without a reload.
setInterval(() => {
  if (location.pathname === "/" && document.visibilityState === "visible") void render(true);
}, 5000);
void render();
