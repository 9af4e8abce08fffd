// The tally extension: starts `tally lsp` and connects the editor to it through npm's
// vscode-languageclient. Highlighting comes from syntaxes/tally.tmLanguage.json.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("tally").get("path") || "tally";
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "tally",
    "tally",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "tally" }] }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
