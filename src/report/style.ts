// Terminal styling that degrades to plain text (pipes, NO_COLOR, CI logs).

import { styleText } from "node:util";

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

export const plainStyle: Style = {
  bold: (s) => s,
  dim: (s) => s,
  red: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
};

export const colourStyle: Style = {
  bold: (s) => styleText("bold", s),
  dim: (s) => styleText("dim", s),
  red: (s) => styleText("red", s),
  green: (s) => styleText("green", s),
  yellow: (s) => styleText("yellow", s),
};

export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  // NO_COLOR wins over everything, FORCE_COLOR included (no-color.org; set at all counts here).
  if ("NO_COLOR" in env) return plainStyle;
  const wanted = stream.isTTY === true && env.TERM !== "dumb";
  return wanted || env.FORCE_COLOR === "1" ? colourStyle : plainStyle;
}
