/** The explorer's single-page app: header with search, navigation, and the page for the URL. */
import { render } from "preact";
import {
  Account,
  Accounts,
  Contribution,
  Contributions,
  Datanet,
  Datanets,
  Inference,
  Inferences,
  Model,
  Models,
} from "./pages/registries.tsx";
import { Batch, Batches, Home, Search, Tx } from "./pages/chain.tsx";
import { Epoch, Epochs } from "./pages/rewards.tsx";
import { Governance } from "./pages/governance.tsx";
import { Link, type Location, navigate, useLocation } from "./router.tsx";
import "./style.css";

type Page = (p: { id: string; loc: Location }) => preact.ComponentChildren;

const ROUTES: [RegExp, Page][] = [
  [/^\/$/, Home],
  [/^\/batches$/, Batches],
  [/^\/batch\/(\d+)$/, Batch],
  [/^\/tx\/(0x[0-9a-fA-F]{64})$/, Tx],
  [/^\/accounts$/, Accounts],
  [/^\/account\/(\d+)$/, Account],
  [/^\/datanets$/, Datanets],
  [/^\/datanet\/(\d+)$/, Datanet],
  [/^\/contributions$/, Contributions],
  [/^\/contribution\/(\d+)$/, Contribution],
  [/^\/models$/, Models],
  [/^\/model\/(\d+)$/, Model],
  [/^\/inferences$/, Inferences],
  [/^\/inference\/(\d+)$/, Inference],
  [/^\/epochs$/, Epochs],
  [/^\/epoch\/(\d+)$/, Epoch],
  [/^\/governance$/, Governance],
  [/^\/search$/, Search],
];

const NAV: [string, string][] = [
  ["/batches", "Batches"],
  ["/accounts", "Accounts"],
  ["/datanets", "Datanets"],
  ["/contributions", "Contributions"],
  ["/models", "Models"],
  ["/inferences", "Inferences"],
  ["/epochs", "Epochs"],
  ["/governance", "Governance"],
];

function App() {
  const loc = useLocation();
  const match = ROUTES.map(([re, page]) => [re.exec(loc.path), page] as const).find(([m]) => m);
  const Page = match?.[1];
  return (
    <>
      <header>
        <div class="bar">
          <Link class="brand" href="/">
            OpenLedger <span>explorer</span>
          </Link>
          <form
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              const q = new FormData(e.currentTarget).get("q");
              if (typeof q === "string" && q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
            }}
          >
            <input
              name="q"
              type="search"
              placeholder="tx hash, batch, account id, “model 3”"
              aria-label="search"
              autocomplete="off"
            />
            <button type="submit">Search</button>
          </form>
        </div>
        <nav>
          {NAV.map(([href, text]) => (
            // "/batches" is active on "/batch/3" too.
            <Link href={href} class={loc.path.startsWith(href.slice(0, -1)) ? "active" : undefined}>
              {text}
            </Link>
          ))}
          <a href="/docs">API</a>
        </nav>
      </header>
      <main aria-live="polite">
        {Page && match ? (
          // Keyed by path: a new page starts with fresh state.
          <Page key={loc.path} id={match[0]![1] ?? ""} loc={loc} />
        ) : (
          <section class="error">
            <h1>Not found</h1>
            <p>No page at {loc.path}.</p>
          </section>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
