// The Promo extension: starts `promo lsp` (the path is the `promo.server.path` setting) as the
// language server for `.promo` files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("promo").get("server.path", "promo");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "promo",
    "Promo",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "promo" }] },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
