/** Path routing: links change the URL with history.pushState; back and forward re-render. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

const here = (): Location => ({ path: location.pathname, query: new URLSearchParams(location.search) });
const listeners = new Set<(l: Location) => void>();

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  window.scrollTo(0, 0);
  for (const l of listeners) l(here());
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(here);
  useEffect(() => {
    const onPop = () => setLoc(here());
    listeners.add(setLoc);
    window.addEventListener("popstate", onPop);
    return () => {
      listeners.delete(setLoc);
      window.removeEventListener("popstate", onPop);
    };
  }, []);
  return loc;
}

/** An in-app link: a plain click routes in place, a modified click opens as the browser likes. */
export function Link(props: { href: string; children: ComponentChildren; class?: string; title?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
