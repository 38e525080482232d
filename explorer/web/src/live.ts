/**
 * Live updates: one EventSource on /api/events for the whole app. Each event (an entry
 * sealed, committed, proven or final) bumps a version that every useApi hook depends on, so
 * the page on screen reads its data again without a reload.
 */
import { useEffect, useState } from "preact/hooks";

const EVENTS = ["sealed", "committed", "proven", "final"] as const;
let version = 0;
const listeners = new Set<(v: number) => void>();
let source: EventSource | null = null;

function connect(): void {
  source = new EventSource("/api/events");
  for (const name of EVENTS) {
    source.addEventListener(name, () => {
      version++;
      for (const l of listeners) l(version);
    });
  }
}

/** The number of chain changes seen since the page loaded. */
export function useLive(): number {
  const [v, setV] = useState(version);
  useEffect(() => {
    if (!source) connect();
    listeners.add(setV);
    return () => {
      listeners.delete(setV);
    };
  }, []);
  return v;
}
