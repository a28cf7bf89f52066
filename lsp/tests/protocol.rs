//! The language server driven in process, as an editor would: open a file with an error and get
//! its diagnostic, fix it and see it go; hover, completion, definition, references, rename,
//! symbols, formatting and a quick fix — each answer asserted.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::Path;

use futures::StreamExt;
use promo_lsp::Backend;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::ls_types::Uri;

const SCHEMA: &str = "schema {\n  enum tier: silver < gold\n  product {\n    brand: text\n  }\n  customer {\n    tier: tier\n    points: int\n  }\n}\n\nsettings {\n  currency USD\n}\n";

const PROMOTIONS: &str = "// Footwear, by any brand but Acme.\npool shoes = category == \"shoes\" and brand != \"Acme\"\n\npromotion \"Shoes: every 300 off 40\" {\n  level store \"acme\"\n  scope shoes\n  eligible customer.tier >= silver\n  discount 40.00 every 300.00 up to 3 times\n  stacks with platform\n}\n";

struct Editor {
    service: LspService<Backend>,
    notifications: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
}

impl Editor {
    async fn start() -> Editor {
        let (service, socket) = LspService::new(Backend::new);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut socket = socket;
            while let Some(message) = socket.next().await {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut editor = Editor { service, notifications: rx, next_id: 0 };
        editor.request("initialize", json!({"capabilities": {}})).await;
        editor.notify("initialized", json!({})).await;
        editor
    }

    async fn request(&mut self, method: &'static str, params: Value) -> Value {
        self.next_id += 1;
        let request = Request::build(method).params(params).id(self.next_id).finish();
        let response = self.service.ready().await.unwrap().call(request).await.unwrap().unwrap();
        let (_, result) = response.into_parts();
        result.unwrap()
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        let request = Request::build(method).params(params).finish();
        assert!(self.service.ready().await.unwrap().call(request).await.unwrap().is_none());
    }

    /// The next diagnostics published for `uri`.
    async fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = tokio::time::timeout(std::time::Duration::from_secs(10), self.notifications.recv())
                .await
                .expect("diagnostics within 10 s")
                .unwrap();
            if message.method() == "textDocument/publishDiagnostics" {
                let params = message.params().unwrap();
                if params["uri"] == uri {
                    return params["diagnostics"].as_array().unwrap().clone();
                }
            }
        }
    }
}

fn uri(path: &Path) -> String {
    Uri::from_file_path(path).unwrap().as_str().to_owned()
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

#[tokio::test]
async fn an_editor_session() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.promo"), SCHEMA).unwrap();
    let promotions = dir.path().join("promotions.promo");
    std::fs::write(&promotions, PROMOTIONS).unwrap();
    let uri = uri(&promotions);
    let mut editor = Editor::start().await;

    // An error appears as it is typed…
    let typo = PROMOTIONS.replace("customer.tier >= silver", "customer.tier >= silvr");
    editor
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "promo", "version": 1, "text": typo}}),
        )
        .await;
    let diagnostics = editor.diagnostics(&uri).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "promo::name::unknown_enum_value");
    assert_eq!(
        diagnostics[0]["range"],
        json!({"start": {"line": 6, "character": 28}, "end": {"line": 6, "character": 33}})
    );
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("did you mean `silver`?"));

    // …a quick fix offers the suggestion…
    let actions = editor
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics}}),
        )
        .await;
    assert_eq!(actions[0]["title"], "Replace with `silver`");
    assert_eq!(actions[0]["edit"]["changes"][&uri][0]["newText"], "silver");

    // …and it disappears when fixed.
    editor
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": PROMOTIONS}]}),
        )
        .await;
    assert_eq!(editor.diagnostics(&uri).await, Vec::<Value>::new());

    // Hover explains the promotion in words.
    let hover = editor.request("textDocument/hover", at(&uri, 3, 14)).await;
    let words = hover["contents"]["value"].as_str().unwrap();
    assert!(words.contains("40.00 USD off every 300.00 USD spent, at most 3 times"), "{words}");
    assert!(words.contains("Stacks with platform promotions."), "{words}");
    assert!(words.contains("customer.tier >= silver"), "{words}");
    // … and a pool, with its documentation comment.
    let pool = editor.request("textDocument/hover", at(&uri, 5, 9)).await;
    let pool = pool["contents"]["value"].as_str().unwrap();
    assert!(
        pool.contains("pool shoes = category == \"shoes\" and brand != \"Acme\"") && pool.contains("Footwear"),
        "{pool}"
    );

    // Completion offers the schema's attributes.
    let after_dot = editor.request("textDocument/completion", at(&uri, 6, 20)).await;
    let labels: Vec<&str> = after_dot.as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"tier") && labels.contains(&"points"), "{labels:?}");
    let in_scope = editor.request("textDocument/completion", at(&uri, 5, 14)).await;
    let labels: Vec<&str> = in_scope.as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"brand") && labels.contains(&"shoes") && labels.contains(&"gold"), "{labels:?}");
    let clause = editor.request("textDocument/completion", at(&uri, 8, 2)).await;
    let labels: Vec<&str> = clause.as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"discount") && labels.contains(&"stock"), "{labels:?}");

    // Definition and references of the pool.
    let definition = editor.request("textDocument/definition", at(&uri, 5, 9)).await;
    assert_eq!(definition["uri"], uri.as_str());
    assert_eq!(definition["range"]["start"], json!({"line": 1, "character": 5}));
    let mut params = at(&uri, 5, 9);
    params["context"] = json!({"includeDeclaration": true});
    let references = editor.request("textDocument/references", params).await;
    assert_eq!(references.as_array().unwrap().len(), 2);
    let schema_uri = self::uri(&dir.path().join("schema.promo"));
    let attribute = editor.request("textDocument/definition", at(&uri, 1, 40)).await;
    assert_eq!(attribute["uri"], schema_uri.as_str(), "`brand` is declared in the schema file");

    // Rename the pool everywhere.
    let rename = editor
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 6}, "newName": "footwear"}),
        )
        .await;
    assert_eq!(rename["changes"][&uri].as_array().unwrap().len(), 2);

    // The outline.
    let symbols = editor.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await;
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["shoes", "Shoes: every 300 off 40"]);

    // Semantic tokens: the first line is a comment; `pool` a keyword; `shoes` a pool (variable).
    let tokens = editor.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}})).await;
    let data: Vec<u64> = tokens["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(&data[..15], &[0, 0, 35, 3, 0, 1, 0, 4, 0, 0, 0, 5, 5, 6, 0], "{data:?}");
    let types: Vec<u64> = data.chunks(5).map(|c| c[3]).collect();
    assert!(
        types.contains(&5) && types.contains(&7) && types.contains(&2),
        "attributes, enum values, numbers: {types:?}"
    );

    // Formatting keeps the comment.
    let messy = PROMOTIONS.replace("  scope shoes\n", "scope   shoes // mine\n");
    editor
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": messy}]}),
        )
        .await;
    let edits = editor
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    let formatted = edits[0]["newText"].as_str().unwrap();
    assert!(formatted.contains("  scope shoes  // mine\n"), "{formatted}");
    assert!(formatted.starts_with("// Footwear, by any brand but Acme.\n"), "{formatted}");
}
