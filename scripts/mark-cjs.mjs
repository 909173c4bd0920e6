// Marks dist/cjs as CommonJS so require("wasmq/zmq") loads it under "type": "module".
import { writeFileSync } from "node:fs";
writeFileSync(new URL("../dist/cjs/package.json", import.meta.url), '{ "type": "commonjs" }\n');
