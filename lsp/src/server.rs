//! The protocol side: `tower-lsp-server` handlers that turn requests into [`analysis`] calls and
//! answers into LSP types. Every edit is applied to the workspace, under its lock, before the
//! handler's first `await`, so a later request always sees it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use promo_lang::{FileId, Severity, Span};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::analysis::{self, CandidateKind};
use crate::position::{offset, range};
use crate::workspace::{Analysis, Pending, Workspace};

/// The server's state: the client to notify, and the workspace.
#[derive(Debug)]
pub struct Backend {
    client: Client,
    workspace: Mutex<Workspace>,
}

fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

fn uri_of(path: &std::path::Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

impl Backend {
    /// A server talking to `client`.
    pub fn new(client: Client) -> Backend {
        Backend { client, workspace: Mutex::new(Workspace::default()) }
    }

    /// The analysis of the ruleset `path` belongs to. It is computed outside the workspace's
    /// lock on a handle of the database; `None` if an edit cancelled it (the request is dropped,
    /// and the edit's own notification brings fresh diagnostics).
    fn analysis(&self, path: &std::path::Path) -> Option<Arc<Analysis>> {
        let pending = self.workspace.lock().ok()?.begin(path);
        match pending {
            Pending::Ready(a) => Some(a),
            Pending::Compute(job) => {
                let (done, analysis) = job.run();
                let analysis = Arc::new(analysis?);
                self.workspace.lock().ok()?.finish(done, Arc::clone(&analysis));
                Some(analysis)
            }
        }
    }

    /// Runs `f` on the analysis of the ruleset `uri` belongs to, with the file's id.
    fn with<T>(&self, uri: &Uri, f: impl FnOnce(&Analysis, FileId) -> T) -> Option<T> {
        let path = path_of(uri)?;
        let analysis = self.analysis(&path)?;
        let file = analysis.file(&path)?;
        Some(f(&analysis, file))
    }

    fn location(a: &Analysis, span: Span) -> Option<Location> {
        let uri = uri_of(a.path(span.file)?)?;
        Some(Location { uri, range: range(a.text(span.file), span.start, span.end) })
    }

    /// Diagnostics for every file of the ruleset `path` belongs to (empty lists clear old ones).
    fn diagnostics(&self, path: &std::path::Path) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(a) = self.analysis(path) else { return Vec::new() };
        let mut by_file: HashMap<FileId, Vec<Diagnostic>> = a.files.iter().map(|(id, _)| (*id, Vec::new())).collect();
        for d in &a.checked.diagnostics {
            let Some(list) = by_file.get_mut(&d.file) else { continue };
            let span = d.span();
            let text = a.text(d.file);
            list.push(Diagnostic {
                range: range(text, span.start, span.end),
                severity: Some(match d.severity() {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(d.code())),
                source: Some("promo".to_owned()),
                message: match d.help() {
                    Some(help) => format!("{}\nhelp: {help}", d.message()),
                    None => d.message(),
                },
                ..Diagnostic::default()
            });
        }
        by_file.into_iter().filter_map(|(id, list)| Some((uri_of(a.path(id)?)?, list))).collect()
    }

    async fn publish(&self, path: PathBuf) {
        for (uri, list) in self.diagnostics(&path) {
            self.client.publish_diagnostics(uri, list, None).await;
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".to_owned()]),
                    ..CompletionOptions::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                    SemanticTokensOptions {
                        legend: SemanticTokensLegend {
                            token_types: analysis::TOKEN_TYPES.iter().map(|t| SemanticTokenType::new(t)).collect(),
                            token_modifiers: Vec::new(),
                        },
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        ..SemanticTokensOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "promo".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else { return };
        if let Ok(mut w) = self.workspace.lock() {
            w.set(path.clone(), params.text_document.text);
        }
        self.publish(path).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else { return };
        // Full sync: the last change is the whole text.
        if let (Some(change), Ok(mut w)) = (params.content_changes.into_iter().last(), self.workspace.lock()) {
            w.set(path.clone(), change.text);
        }
        self.publish(path).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else { return };
        if let Ok(mut w) = self.workspace.lock() {
            w.close(&path);
        }
        self.publish(path).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else { return };
        if let Ok(mut w) = self.workspace.lock() {
            w.invalidate(&path);
        }
        self.publish(path).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        Ok(self
            .with(&at.text_document.uri, |a, file| {
                let text = a.text(file);
                let h = analysis::hover(a, file, offset(text, at.position))?;
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
                    range: Some(range(text, h.span.start, h.span.end)),
                })
            })
            .flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        Ok(self.with(&at.text_document.uri, |a, file| {
            let items = analysis::complete(a, file, offset(a.text(file), at.position))
                .into_iter()
                .map(|c| CompletionItem {
                    kind: Some(match c.kind {
                        CandidateKind::Keyword => CompletionItemKind::KEYWORD,
                        CandidateKind::Attribute => CompletionItemKind::FIELD,
                        CandidateKind::EnumValue => CompletionItemKind::ENUM_MEMBER,
                        CandidateKind::Pool => CompletionItemKind::VARIABLE,
                        CandidateKind::Template => CompletionItemKind::SNIPPET,
                        CandidateKind::Function => CompletionItemKind::FUNCTION,
                    }),
                    detail: Some(c.detail),
                    insert_text_format: c.snippet.as_ref().map(|_| InsertTextFormat::SNIPPET),
                    insert_text: c.snippet,
                    label: c.label,
                    ..CompletionItem::default()
                })
                .collect();
            CompletionResponse::Array(items)
        }))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        Ok(self
            .with(&at.text_document.uri, |a, file| {
                let span = analysis::definition(a, file, offset(a.text(file), at.position))?;
                Self::location(a, span).map(GotoDefinitionResponse::Scalar)
            })
            .flatten())
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        Ok(self.with(&at.text_document.uri, |a, file| {
            analysis::references(a, file, offset(a.text(file), at.position))
                .into_iter()
                .filter_map(|s| Self::location(a, s))
                .collect()
        }))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        Ok(self.with(&at.text_document.uri, |a, file| {
            let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
            for span in analysis::references(a, file, offset(a.text(file), at.position)) {
                if let Some(loc) = Self::location(a, span) {
                    changes
                        .entry(loc.uri)
                        .or_default()
                        .push(TextEdit { range: loc.range, new_text: params.new_name.clone() });
                }
            }
            WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }
        }))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self.with(&params.text_document.uri, |a, file| {
            let text = a.text(file);
            #[allow(deprecated)]
            let symbols = analysis::symbols(a, file)
                .into_iter()
                .map(|s| DocumentSymbol {
                    name: s.name,
                    detail: Some(s.kind.to_owned()),
                    kind: match s.kind {
                        "promotion" => SymbolKind::EVENT,
                        "pool" => SymbolKind::VARIABLE,
                        "template" => SymbolKind::CLASS,
                        "extern" => SymbolKind::FUNCTION,
                        "schema" => SymbolKind::STRUCT,
                        _ => SymbolKind::NAMESPACE,
                    },
                    tags: None,
                    deprecated: None,
                    range: range(text, s.span.start, s.span.end),
                    selection_range: range(text, s.selection.start, s.selection.end),
                    children: None,
                })
                .collect();
            DocumentSymbolResponse::Nested(symbols)
        }))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        Ok(self.with(&params.text_document.uri, |a, file| {
            let text = a.text(file);
            let (mut line, mut column) = (0u32, 0u32);
            let mut data = Vec::new();
            for (start, end, token_type) in analysis::semantic_tokens(a, file) {
                let from = crate::position::position(text, start);
                let to = crate::position::position(text, end);
                let delta_line = from.line - line;
                let delta_start = if delta_line == 0 { from.character - column } else { from.character };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: to.character.saturating_sub(from.character),
                    token_type,
                    token_modifiers_bitset: 0,
                });
                (line, column) = (from.line, from.character);
            }
            SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data })
        }))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(path) = path_of(&params.text_document.uri) else { return Ok(None) };
        let Some(text) = self.workspace.lock().ok().and_then(|w| w.text(&path)) else { return Ok(None) };
        // A file with syntax errors is left alone.
        let Ok(formatted) = promo_lang::format::format(&text) else { return Ok(None) };
        if formatted == text {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![TextEdit { range: range(&text, 0, text.len()), new_text: formatted }]))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let mut actions = Vec::new();
        for d in params.context.diagnostics {
            // "did you mean `x`?" replaces the diagnostic's span with `x`.
            let Some(suggestion) = d.message.split("did you mean `").nth(1).and_then(|s| s.split('`').next()) else {
                continue;
            };
            let edit = TextEdit { range: d.range, new_text: suggestion.to_owned() };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Replace with `{suggestion}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        Ok(Some(actions))
    }
}
