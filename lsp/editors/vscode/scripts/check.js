// Checks the extension before packaging: the manifest, the grammar and the language
// configuration are valid JSON, and the grammar highlights every keyword of Promo's pest grammar.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const read = (file) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
const manifest = read("package.json");
read("language-configuration.json");
const grammar = read("syntaxes/promo.tmLanguage.json");

const pest = fs.readFileSync(path.join(root, "../../../lang/src/syntax/promo.pest"), "utf8");
const keywords = [...pest.matchAll(/^kw_\w+\s*=\s*@\{\s*"(\w+)"/gm)].map((m) => m[1]);
const patterns = JSON.stringify(grammar.repository);
const missing = keywords.filter((k) => !new RegExp(`[(|]${k}[|)]`).test(patterns));
if (missing.length > 0) {
  console.error(`the grammar does not highlight: ${missing.join(", ")}`);
  process.exit(1);
}
if (!manifest.contributes.languages.some((l) => l.extensions.includes(".promo"))) {
  console.error("`.promo` files are not associated");
  process.exit(1);
}
console.log(`ok: ${keywords.length} keywords highlighted, .promo associated`);
