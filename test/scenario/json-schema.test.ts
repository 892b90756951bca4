import { expect } from "chai";
import { readFileSync } from "node:fs";
import { jsonSchemaText, scenarioJsonSchema } from "../../src/scenario/json-schema.ts";

describe("scenario JSON Schema", () => {
  it("the committed scenarios/netproof.schema.json is up to date (regenerate: npm run schema)", () => {
    expect(readFileSync("scenarios/netproof.schema.json", "utf8")).to.equal(jsonSchemaText());
  });

  it("describes the top-level fields for editor completion and rejects unknown ones", () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).to.include.members(["name", "description", "namespaces", "workloads", "manifests", "expect", "steps"]);
    expect(schema.required).to.include.members(["description", "namespaces", "workloads"]);
    expect(schema.additionalProperties).to.equal(false);
  });
});
