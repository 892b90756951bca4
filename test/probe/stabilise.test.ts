import { expect } from "chai";
import { hasSettled } from "../../src/probe/stabilise.ts";
import type { Observation } from "../../src/probe/types.ts";

const c: Observation = { kind: "connected" };
const t: Observation = { kind: "timeout" };
const h200: Observation = { kind: "http", status: 200 };
const h503: Observation = { kind: "http", status: 503 };

describe("stabilisation", () => {
  it("settles once the last k outcomes agree, ignoring details", () => {
    expect(hasSettled([c], 2)).to.equal(false);
    expect(hasSettled([c, { kind: "connected", detail: "other pod text" }], 2)).to.equal(true);
    expect(hasSettled([t, c], 2)).to.equal(false);
    expect(hasSettled([t, c, c], 2)).to.equal(true);
    expect(hasSettled([h200, h503], 2)).to.equal(false);
    expect(hasSettled([t], 1)).to.equal(true);
  });
});
