import { writeFileSync } from "node:fs";
import { generateTwinVectors, vectorsToJson } from "./twins.ts";

const path = new URL("./twins.json", import.meta.url);
writeFileSync(path, vectorsToJson(generateTwinVectors()));
console.log(`wrote ${path.pathname}`);
