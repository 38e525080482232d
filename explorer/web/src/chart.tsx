/** The attribution of one inference as a uPlot bar chart: each contribution's share of the data pool. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Bar {
  readonly label: string;
  /** Percent of the data pool. */
  readonly value: number;
}

export function AttributionChart({ bars }: { bars: readonly Bar[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || bars.length === 0) return;
    const xs = bars.map((_, i) => i + 1);
    const plot = new uPlot(
      {
        width: Math.max(240, Math.min(720, el.clientWidth)),
        height: 220,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [0.5, bars.length + 0.5] }, y: { range: [0, 100] } },
        axes: [
          { values: (_u, ticks) => ticks.map((t) => bars[t - 1]?.label ?? ""), splits: () => xs },
          { values: (_u, ticks) => ticks.map((t) => `${t} %`), size: 56 },
        ],
        series: [
          {},
          {
            label: "share of the data pool",
            paths: uPlot.paths.bars!({ size: [0.6, 80] }),
            points: { show: false },
            fill: "#3b6fd8",
            stroke: "#2a56b3",
          },
        ],
      },
      [xs, bars.map((b) => b.value)],
      el,
    );
    return () => plot.destroy();
  }, [bars.map((b) => `${b.label}:${b.value}`).join()]);
  return (
    <div
      ref={box}
      class="chart"
      role="img"
      aria-label={`share of the data pool: ${bars.map((b) => `${b.label} ${b.value.toFixed(2)} %`).join(", ")}`}
    />
  );
}
