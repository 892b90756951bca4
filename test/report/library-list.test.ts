import { expect } from "chai";
import { libraryLines } from "../../src/report/library-list.ts";

describe("report: library list", () => {
  it("aligns names and marks the scenarios that show a mistake", () => {
    expect(
      libraryLines([
        { name: "three-tier", description: "Web, API, DB.", file: "a" },
        { name: "mistake-x", description: "A mistake.", file: "b", mistake: "x" },
      ]),
    ).to.deep.equal(["three-tier  Web, API, DB.", "mistake-x   A mistake. (shows a mistake on purpose)"]);
  });
});
