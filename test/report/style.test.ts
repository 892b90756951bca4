import { expect } from "chai";
import { colourStyle, plainStyle, styleFor } from "../../src/report/style.ts";

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe("terminal colour", () => {
  it("only on a TTY, never with NO_COLOR (not even with FORCE_COLOR), never on a dumb terminal", () => {
    expect(styleFor(tty, {})).to.equal(colourStyle);
    expect(styleFor(pipe, {})).to.equal(plainStyle);
    expect(styleFor(tty, { NO_COLOR: "1" })).to.equal(plainStyle);
    expect(styleFor(tty, { NO_COLOR: "1", FORCE_COLOR: "1" })).to.equal(plainStyle);
    expect(styleFor(tty, { TERM: "dumb" })).to.equal(plainStyle);
    expect(styleFor(pipe, { FORCE_COLOR: "1" })).to.equal(colourStyle);
  });
});
