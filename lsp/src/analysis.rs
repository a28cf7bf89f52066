//! What the editor asks, answered from a checked ruleset and the syntax trees of its files, in
//! plain data (spans and text). The protocol types are the server's business (`server.rs`).

use promo_lang::check::Type;
use promo_lang::syntax::{self, ast};
use promo_lang::{FileId, Span};

use crate::workspace::Analysis;

/// A hover: markdown, over a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverText {
    /// What to show.
    pub markdown: String,
    /// The word hovered.
    pub span: Span,
}

/// A completion candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What the list shows.
    pub label: String,
    /// What it is.
    pub kind: CandidateKind,
    /// A short description.
    pub detail: String,
    /// A snippet to insert (with `${1:…}` placeholders), when not the label.
    pub snippet: Option<String>,
}

/// The kinds of completion candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateKind {
    /// A clause, setting or operator keyword.
    Keyword,
    /// A schema attribute.
    Attribute,
    /// An enum value.
    EnumValue,
    /// A pool.
    Pool,
    /// A template.
    Template,
    /// An `extern` function.
    Function,
}

/// A named thing a file defines, for the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Its name.
    pub name: String,
    /// `promotion`, `pool`, `template`, `extern`, `schema`, `settings` or `use`.
    pub kind: &'static str,
    /// The whole item.
    pub span: Span,
    /// Its name.
    pub selection: Span,
}

/// Clause keywords, with what each says.
pub const CLAUSES: &[(&str, &str)] = &[
    ("level", "item, store \"name\" or platform: what the promotion's thresholds count over"),
    ("window", "when it runs: `window START .. END [zone]`"),
    ("scope", "which products: a condition on product attributes or pools"),
    ("eligible", "which customers: a condition on `customer.…` attributes"),
    ("price", "a special unit price"),
    ("discount", "money or percent off, once, in tiers (`when spend …`), or `every X` up to N times"),
    ("buy", "`buy M for PRICE` (M for N) or `buy N get M free` (buy N get M)"),
    ("gift", "a gift: `gift \"SKU\" worth 5.00 when spend 100.00`"),
    ("addon", "an add-on offer: `addon \"SKU\" at 1.00 up to 2 when spend 30.00`"),
    ("bundle", "a bundle price: `bundle [\"A\", 2 of \"B\"] at 50.00`"),
    ("presale", "`presale deposit D deducts X [balance by TIME]`"),
    ("group", "a group buy: `group of 3 at 30.00 [within 24h]`"),
    ("coupon", "needs the coupon code"),
    ("limit", "`limit N per customer|order`: beyond it, the original price"),
    ("stock", "promotion stock: withdrawn when it runs out"),
    ("budget", "a money budget: withdrawn when spent"),
    ("exclusive", "stacks with nothing"),
    ("stacks", "`stacks with item, store, platform, coupons or \"promotion\"`"),
    ("withdraw", "`withdraw others 2h before start`"),
    ("pay", "`pay within 15m`"),
    ("label", "`label \"text\" priority N`: what product pages show"),
    ("refund", "`refund deduct gift | allocated | require gift`"),
    ("floor", "the lowest final unit price this promotion may give"),
];

/// Setting keywords.
const SETTINGS: &[&str] =
    &["currency", "calculation", "rounding", "stacking", "timezone", "floor", "refund", "extension"];

/// The identifier (or `customer.x` path) under `offset`, with its span.
fn word_at(text: &str, offset: usize) -> Option<(String, usize, usize)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let start =
        text.get(..offset)?.char_indices().rev().take_while(|(_, c)| is_word(*c)).last().map_or(offset, |(i, _)| i);
    let end = text.get(offset..)?.char_indices().find(|(_, c)| !is_word(*c)).map_or(text.len(), |(i, _)| offset + i);
    let word = text.get(start..end)?;
    (!word.is_empty()).then(|| (word.to_owned(), start, end))
}

fn slice(a: &Analysis, span: Span) -> &str {
    a.ruleset.sources().get(span.file).map_or("", |f| f.slice(span))
}

/// The header of a template or extern: its text up to the block.
fn header(a: &Analysis, span: Span) -> String {
    let text = slice(a, span);
    text.split('{').next().unwrap_or(text).trim().to_owned()
}

/// The `//` comment lines right above `span`, as documentation.
fn doc_comment(a: &Analysis, span: Span) -> String {
    let text = a.text(span.file);
    let before = text.get(..span.start).unwrap_or("");
    let mut lines: Vec<&str> = Vec::new();
    for line in before.lines().rev().skip(usize::from(!before.ends_with('\n'))) {
        match line.trim().strip_prefix("//") {
            Some(c) => lines.push(c.trim()),
            None => break,
        }
    }
    lines.reverse();
    lines.join(" ")
}

/// A named definition: (kind, name, its name's span, the whole item's span).
fn definitions(items: &[(FileId, ast::Item)]) -> Vec<(&'static str, String, Span, Span)> {
    let mut out = Vec::new();
    for (_, item) in items {
        match item {
            ast::Item::Pool(p) => out.push(("pool", p.name.name.clone(), p.name.span, p.span)),
            ast::Item::Template(t) => out.push(("template", t.name.name.clone(), t.name.span, t.span)),
            ast::Item::Extern(e) => out.push(("extern", e.name.name.clone(), e.name.span, e.span)),
            ast::Item::Schema(s) => {
                for e in &s.enums {
                    out.push(("enum", e.name.name.clone(), e.name.span, e.span));
                }
                for attr in &s.attributes {
                    let kind = if attr.subject == ast::Subject::Product { "product" } else { "customer" };
                    out.push((kind, attr.name.name.clone(), attr.name.span, attr.span));
                }
            }
            _ => {}
        }
    }
    out
}

/// Where the name under `offset` in `file` is defined.
pub fn definition(a: &Analysis, file: FileId, offset: usize) -> Option<Span> {
    let (word, _, _) = word_at(a.text(file), offset)?;
    let items = a.items();
    let defs = definitions(items);
    let (kind_wanted, name) = match word.split_once('.') {
        Some(("customer", attr)) => (Some("customer"), attr.to_owned()),
        _ => (None, word.clone()),
    };
    defs.iter()
        .filter(|(kind, n, _, _)| *n == name && kind_wanted.map_or(*kind != "customer", |k| k == *kind))
        .map(|(_, _, span, _)| *span)
        .next()
}

/// Every place the name under `offset` is written in the ruleset's user files, its definition
/// included.
pub fn references(a: &Analysis, file: FileId, offset: usize) -> Vec<Span> {
    let Some((word, _, _)) = word_at(a.text(file), offset) else { return Vec::new() };
    let name = word.strip_prefix("customer.").unwrap_or(&word).to_owned();
    let mut out = Vec::new();
    for (id, _) in &a.files {
        let text = a.text(*id);
        let mut from = 0;
        while let Some(i) = text.get(from..).and_then(|t| t.find(name.as_str())) {
            let start = from + i;
            let end = start + name.len();
            let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            let before = text.get(..start).and_then(|t| t.chars().next_back());
            let after = text.get(end..).and_then(|t| t.chars().next());
            if boundary(before) && boundary(after) && !in_string_or_comment(text, start) {
                out.push(Span::new(*id, start, end));
            }
            from = end;
        }
    }
    out
}

/// Whether `offset` is inside a string or a comment on its line.
fn in_string_or_comment(text: &str, offset: usize) -> bool {
    let line_start = text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let mut in_string = false;
    let mut chars = text.get(line_start..offset).unwrap_or("").chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '/' if !in_string && chars.peek() == Some(&'/') => return true,
            _ => {}
        }
    }
    in_string
}

/// What the word under `offset` is, in words.
pub fn hover(a: &Analysis, file: FileId, offset: usize) -> Option<HoverText> {
    let text = a.text(file);
    let items = a.items();
    let promotion = items.iter().find_map(|(id, item)| match item {
        ast::Item::Promotion(p) if *id == file && p.span.start <= offset && offset < p.span.end => Some(p),
        _ => None,
    });
    let word = word_at(text, offset);
    if let Some((word, start, end)) = &word {
        let span = Span::new(file, *start, *end);
        if let Some(markdown) = describe_name(a, items, word) {
            return Some(HoverText { markdown, span });
        }
        if let Some((_, doc)) = CLAUSES.iter().find(|(k, _)| k == word)
            && promotion.is_none_or(|p| p.body.clauses.iter().any(|c| c.keyword.start == *start))
        {
            let mut markdown = format!("**`{word}`** — {doc}");
            if let Some(p) = promotion {
                markdown.push_str(&format!("\n\n{}", describe_promotion(a, &p.name.node)));
            }
            return Some(HoverText { markdown, span });
        }
    }
    let p = promotion?;
    let on_header = offset <= p.name.span.end || word.as_ref().is_some_and(|(w, _, _)| w == "promotion");
    on_header.then(|| HoverText {
        markdown: format!("**promotion \"{}\"**\n\n{}", p.name.node, describe_promotion(a, &p.name.node)),
        span: p.name.span,
    })
}

fn describe_promotion(a: &Analysis, name: &str) -> String {
    match a.checked.program.promotions.iter().find(|p| p.name == name) {
        Some(p) => promo_lang::describe::promotion(p),
        None => "This promotion has errors: fix them to see what it does.".to_owned(),
    }
}

fn describe_name(a: &Analysis, items: &[(FileId, ast::Item)], word: &str) -> Option<String> {
    let schema = &a.checked.program.schema;
    if let Some(attr) = word.strip_prefix("customer.") {
        let info = schema.customer.get(attr)?;
        return Some(format!("**customer attribute `{attr}`**: {}", show_type(&info.ty)));
    }
    for (kind, name, _, span) in definitions(items) {
        if name != word || kind == "customer" {
            continue;
        }
        let doc = doc_comment(a, span);
        let doc = if doc.is_empty() { String::new() } else { format!("\n\n{doc}") };
        return Some(match kind {
            "pool" => format!("**pool `{name}`**\n\n```promo\n{}\n```{doc}", slice(a, span).trim()),
            "template" | "extern" => format!("**{kind} `{name}`**\n\n```promo\n{}\n```{doc}", header(a, span)),
            "enum" => {
                let info = schema.enums.get(&name)?;
                let sep = if info.ordered { " < " } else { ", " };
                format!("**enum `{name}`**: {}", info.values.join(sep))
            }
            _ => {
                let info = schema.product.get(&name)?;
                format!("**product attribute `{name}`**: {}", show_type(&info.ty))
            }
        });
    }
    if let Some(info) = schema.product.get(word) {
        return Some(format!("**product attribute `{word}`** (built in): {}", show_type(&info.ty)));
    }
    for (enum_name, info) in &schema.enums {
        if let Some(rank) = info.values.iter().position(|v| v == word) {
            let order =
                if info.ordered { format!(", rank {} of {}", rank + 1, info.values.len()) } else { String::new() };
            return Some(format!("**`{word}`**: a value of the enum `{enum_name}`{order}"));
        }
    }
    None
}

fn show_type(t: &Type) -> String {
    format!("`{t}`").replace("``", "`")
}

/// What may be typed at `offset` in `file`.
pub fn complete(a: &Analysis, file: FileId, offset: usize) -> Vec<Candidate> {
    let text = a.text(file);
    let line_start = text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let line = text.get(line_start..offset).unwrap_or("");
    let schema = &a.checked.program.schema;
    let items = a.items();
    let keyword = |label: &str, detail: &str| Candidate {
        label: label.to_owned(),
        kind: CandidateKind::Keyword,
        detail: detail.to_owned(),
        snippet: None,
    };
    if line.trim_end().ends_with("customer.") || line.rsplit(' ').next().is_some_and(|w| w.starts_with("customer.")) {
        return schema
            .customer
            .iter()
            .map(|(n, info)| Candidate {
                label: n.clone(),
                kind: CandidateKind::Attribute,
                detail: format!("customer attribute: {}", info.ty),
                snippet: None,
            })
            .collect();
    }
    let templates = || {
        items
            .iter()
            .filter_map(|(_, i)| if let ast::Item::Template(t) = i { Some(t) } else { None })
            .map(|t| {
                let params: Vec<String> = t
                    .params
                    .iter()
                    .filter(|p| p.default.is_none())
                    .enumerate()
                    .map(|(k, p)| format!("{}: ${{{}:{}}}", p.name.name, k + 1, p.name.name))
                    .collect();
                Candidate {
                    label: t.name.name.clone(),
                    kind: CandidateKind::Template,
                    detail: header(a, t.span),
                    snippet: Some(format!("{}({})", t.name.name, params.join(", "))),
                }
            })
            .collect::<Vec<_>>()
    };
    if line.contains(" from ") || line.trim_start().starts_with("use ") {
        return templates();
    }
    let enclosing = enclosing_item(text, line_start);
    let first_word = !line.trim_start().contains([' ', '\t']);
    match enclosing.as_deref() {
        Some("settings") if first_word => return SETTINGS.iter().map(|s| keyword(s, "setting")).collect(),
        Some("schema") => {
            return Type::BUILTIN_NAMES
                .iter()
                .map(|t| keyword(t, "type"))
                .chain(schema.enums.keys().map(|e| keyword(e, "enum")))
                .collect();
        }
        Some("promotion" | "template") if first_word => {
            return CLAUSES.iter().map(|(k, d)| keyword(k, d)).collect();
        }
        None if first_word => {
            return ["use", "schema", "settings", "pool", "template", "promotion", "extern"]
                .iter()
                .map(|k| keyword(k, "item"))
                .collect();
        }
        _ => {}
    }
    // In a condition.
    let mut out: Vec<Candidate> = schema
        .product
        .iter()
        .map(|(n, info)| Candidate {
            label: n.clone(),
            kind: CandidateKind::Attribute,
            detail: format!("product attribute: {}", info.ty),
            snippet: None,
        })
        .collect();
    out.push(keyword("customer", "the customer's attributes: `customer.…`"));
    for (kind, name, _, span) in definitions(items) {
        match kind {
            "pool" => out.push(Candidate {
                label: name,
                kind: CandidateKind::Pool,
                detail: slice(a, span).trim().to_owned(),
                snippet: None,
            }),
            "extern" => {
                let params = items.iter().find_map(|(_, i)| match i {
                    ast::Item::Extern(e) if e.name.name == name => Some(e.params.clone()),
                    _ => None,
                });
                let args: Vec<String> = params
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(|(k, p)| format!("${{{}:{}}}", k + 1, p.name.name))
                    .collect();
                out.push(Candidate {
                    label: name.clone(),
                    kind: CandidateKind::Function,
                    detail: header(a, span),
                    snippet: Some(format!("{name}({})", args.join(", "))),
                });
            }
            _ => {}
        }
    }
    for (enum_name, info) in &schema.enums {
        for v in &info.values {
            out.push(Candidate {
                label: v.clone(),
                kind: CandidateKind::EnumValue,
                detail: format!("value of `{enum_name}`"),
                snippet: None,
            });
        }
    }
    for k in ["and", "or", "not", "in", "has", "except", "all"] {
        out.push(keyword(k, "operator"));
    }
    out
}

/// The keyword of the item whose block is open at `offset`, by brace depth.
fn enclosing_item(text: &str, offset: usize) -> Option<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut last_word = String::new();
    let mut item_word: Option<String> = None;
    let mut in_string = false;
    let mut chars = text.get(..offset).unwrap_or("").chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            if syntax::ITEM_KEYWORDS.contains(&word.as_str()) && stack.is_empty() {
                item_word = Some(word.clone());
            }
            last_word = std::mem::take(&mut word);
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '{' => stack.push(if stack.is_empty() { item_word.clone().unwrap_or_default() } else { last_word.clone() }),
            '}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.first().cloned()
}

/// The items of `file`, for the outline.
pub fn symbols(a: &Analysis, file: FileId) -> Vec<Symbol> {
    let parsed = syntax::parse(file, a.text(file));
    parsed
        .file
        .items
        .iter()
        .map(|item| {
            let (name, kind, selection) = match item {
                ast::Item::Promotion(p) => (p.name.node.clone(), "promotion", p.name.span),
                ast::Item::Pool(p) => (p.name.name.clone(), "pool", p.name.span),
                ast::Item::Template(t) => (t.name.name.clone(), "template", t.name.span),
                ast::Item::Extern(e) => (e.name.name.clone(), "extern", e.name.span),
                ast::Item::Schema(s) => ("schema".to_owned(), "schema", s.span),
                ast::Item::Settings(s) => ("settings".to_owned(), "settings", s.span),
                ast::Item::Use(u) => (format!("use {}", u.library.name), "use", u.span),
            };
            Symbol { name, kind, span: item.span(), selection }
        })
        .collect()
}

/// Semantic token types, in the order of the legend the server announces.
pub const TOKEN_TYPES: &[&str] =
    &["keyword", "string", "number", "comment", "operator", "property", "variable", "enumMember", "function", "class"];

/// Every token of `file` with its index in [`TOKEN_TYPES`], names resolved against the ruleset
/// (attributes, pools, templates, functions, enum values). Empty while the file does not parse.
pub fn semantic_tokens(a: &Analysis, file: FileId) -> Vec<(usize, usize, u32)> {
    use promo_lang::format::{Class, highlight};
    let text = a.text(file);
    let schema = &a.checked.program.schema;
    let items = a.items();
    let defs = definitions(items);
    let kind_of = |name: &str| defs.iter().find(|(_, n, _, _)| n == name).map(|(k, _, _, _)| *k);
    highlight(text)
        .into_iter()
        .filter_map(|(start, end, class)| {
            let index = match class {
                Class::Keyword => 0,
                Class::String => 1,
                Class::Number => 2,
                Class::Comment => 3,
                Class::Operator => 4,
                Class::Punct => return None,
                Class::Name => {
                    let word = text.get(start..end).unwrap_or("");
                    match kind_of(word) {
                        _ if word.starts_with("customer.") => 5,
                        Some("product") => 5,
                        Some("pool") => 6,
                        Some("extern") => 8,
                        Some("template") => 9,
                        _ if schema.product.contains_key(word) => 5,
                        _ if schema.enums.values().any(|e| e.values.iter().any(|v| v == word)) => 7,
                        _ => 6,
                    }
                }
            };
            Some((start, end, index))
        })
        .collect()
}
