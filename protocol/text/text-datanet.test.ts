import { describe, expect, it } from "vitest";
import { checkMetadata } from "../datanet/metadata.ts";
import { rejectionCode } from "../testing.ts";
import { TEXT_SCHEMA, textDatanetMetadata, textMetadata } from "./text-datanet.ts";

const codeOf = (f: () => unknown) => rejectionCode(Promise.resolve().then(f));

describe("text Datanet metadata", () => {
  it("names the network's tokenizer by its tokenizerHash (docs/protocol.md §12.1)", () => {
    expect(TEXT_SCHEMA.tokenizer).toBe("0x168da34489164d55bc9e707c1a91ad6246bc0f00061189b856df360e4aaf7bf8");
    const m = textDatanetMetadata({ name: "Brown", license: 2 });
    expect(checkMetadata(m)).toEqual(m);
    expect(textMetadata(m, "Datanet 1")).toBe(m);
  });

  it("refuses a tabular Datanet and another tokenizer", async () => {
    const tabular = checkMetadata({
      version: 1,
      name: "Iris",
      description: "",
      schema: { features: { count: 4, kind: "numeric" }, label: { kind: "class", classes: 3 } },
      license: 1,
    });
    expect(await codeOf(() => textMetadata(tabular, "Datanet 1"))).toBe("WRONG_DATANET_KIND");
    const other = {
      ...textDatanetMetadata({ name: "x", license: 1 }),
      schema: { kind: "text", tokenizer: `0x${"0".repeat(64)}` },
    } as const;
    expect(() => textMetadata(other, "Datanet 2")).toThrow(/Datanet 2 names tokenizer 0x0{64}/);
    expect(await codeOf(() => textMetadata(other, "Datanet 2"))).toBe("UNSUPPORTED_TOKENIZER");
  });
});
