// One line per progress event of a live run, for stderr.
import { seconds } from "./live-words.ts";

/** What a live run is doing, as it goes. */
export type LiveProgress =
  | { readonly kind: "realise"; readonly phase: string; readonly status: string; readonly elapsedMs: number }
  | { readonly kind: "probe"; readonly phase: string; readonly round: number; readonly settled: number; readonly total: number; readonly elapsedMs: number }
  | { readonly kind: "cleanup"; readonly elapsedMs: number };

export function progressLine(p: LiveProgress): string {
  switch (p.kind) {
    case "realise":
      return `[${seconds(p.elapsedMs)}] ${p.phase}: ${p.status}`;
    case "probe":
      return `[${seconds(p.elapsedMs)}] ${p.phase}: probing, round ${p.round}, ${p.settled}/${p.total} settled`;
    case "cleanup":
      return `[${seconds(p.elapsedMs)}] cleaning up`;
  }
}
