// Validates AsyncAPI documents with the official parser: `node validate.mjs FILE...`.
// Prints every error and warning; exits 1 when there is any. (Informational diagnostics,
// such as "AsyncAPI 3.1 exists", are only counted.)
import { readFile } from "node:fs/promises";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";

const FAILING = new Map([
  [DiagnosticSeverity.Error, "error"],
  [DiagnosticSeverity.Warning, "warning"],
]);

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}

const parser = new Parser();
let failed = false;
for (const file of files) {
  const source = await readFile(file, "utf8");
  const diagnostics = await parser.validate(source, { source: file });
  const failing = diagnostics.filter((d) => FAILING.has(d.severity));
  for (const d of failing) {
    const where = d.path.length ? ` at /${d.path.join("/")}` : "";
    console.log(`${file}: ${FAILING.get(d.severity)} ${d.code}${where}: ${d.message}`);
  }
  if (failing.length) {
    failed = true;
    continue;
  }
  const n = diagnostics.length;
  const notes = n ? ` (${n} informational note${n === 1 ? "" : "s"})` : "";
  console.log(`${file}: valid AsyncAPI ${JSON.parse(source).asyncapi}${notes}`);
}
process.exit(failed ? 1 : 0);
