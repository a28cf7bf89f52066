//! The token stream the formatter lays out: every leaf of the pest parse tree, the punctuation
//! between leaves, and every comment, each with what the layout needs to know about it (does it
//! start a clause or entry, open or close a block, hug its neighbour).

use pest::Parser;
use pest::iterators::Pair;

use super::Class;
use crate::syntax::{PromoParser, Rule};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A word, value or operator: printed as is.
    Word,
    /// Punctuation from the grammar: `(`, `,`, `:`, `::`, `{` ….
    Punct,
    /// A `//` comment, up to the end of its line.
    Comment,
}

/// One token, with its layout facts.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub text: String,
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Newlines in the source between the previous token and this one.
    pub newlines_before: usize,
    /// Starts an item, a clause, a setting, an enum or an attribute (a new line).
    pub unit_start: bool,
    /// Starts a top-level item.
    pub item_start: bool,
    /// A `{` that opens a block laid out one entry per line.
    pub block_open: bool,
    /// The `}` closing such a block.
    pub block_close: bool,
    /// No space before it (`(` of a call, `>` of `set<…>`) or after it (`<` of `set<…>`).
    pub tight_before: bool,
    pub tight_after: bool,
    /// A comment on a line of its own (not after code).
    pub own_line: bool,
    /// The `)`, `]` or `}` closing a comma-separated list (arguments, parameters, a set, a `use`).
    pub list_close: bool,
    /// What it is, for highlighting.
    pub class: Class,
}

/// Rules printed as one token, whatever is inside: their inner spacing is part of their meaning.
const WHOLE: &[Rule] = &[Rule::path, Rule::amount, Rule::datetime, Rule::string, Rule::not_in];

/// Rules whose children (keywords aside) each start a line.
const LINE_PER_CHILD: &[Rule] = &[Rule::block, Rule::settings_item, Rule::schema_item, Rule::attr_group];

/// Rules whose `{` … `}` (in the text between children) is a block.
const BRACED: &[Rule] = &[Rule::settings_item, Rule::schema_item, Rule::attr_group];

/// Rules where a `(` hugs the name before it.
const CALLS: &[Rule] = &[Rule::call, Rule::template_call, Rule::template_item, Rule::extern_item];

fn is_keyword(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("kw_")
}

fn token(text: String, kind: Kind, start: usize, end: usize) -> Token {
    Token {
        text,
        kind,
        start,
        end,
        newlines_before: 0,
        unit_start: false,
        item_start: false,
        block_open: false,
        block_close: false,
        tight_before: false,
        tight_after: false,
        own_line: false,
        list_close: false,
        class: match kind {
            Kind::Word => Class::Name,
            Kind::Punct => Class::Punct,
            Kind::Comment => Class::Comment,
        },
    }
}

/// The class of a leaf of rule `rule`.
fn class(rule: Rule) -> Class {
    match rule {
        r if is_keyword(r) => Class::Keyword,
        Rule::string | Rule::timezone => Class::String,
        Rule::number | Rule::amount | Rule::percent | Rule::duration | Rule::datetime | Rule::date | Rule::clock => {
            Class::Number
        }
        Rule::boolean | Rule::free | Rule::unit_choice => Class::Keyword,
        Rule::cmp_op | Rule::not_in | Rule::range_op | Rule::result_arrow => Class::Operator,
        Rule::block_open | Rule::block_close => Class::Punct,
        _ => Class::Name,
    }
}

/// The tokens of `text`, a file that parses without errors; `None` if an item does not parse.
pub(super) fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let after = gap(text, pos, text.len(), None, &mut out);
        if after >= text.len() {
            break;
        }
        let rest = text.get(after..)?;
        let pair = PromoParser::parse(Rule::item, rest).ok()?.next()?;
        let first = out.len();
        walk(text, after, pair.clone(), &mut out);
        let t = out.get_mut(first)?;
        t.unit_start = true;
        t.item_start = true;
        // INVARIANT: an item is at least its keyword, so this makes progress.
        pos = after + pair.as_span().end().max(1);
    }
    let mut prev_end = 0;
    for (i, t) in out.iter_mut().enumerate() {
        t.newlines_before = text.get(prev_end..t.start).map_or(0, |g| g.matches('\n').count());
        t.own_line = t.kind == Kind::Comment && (i == 0 || t.newlines_before > 0);
        prev_end = t.end;
    }
    Some(trailing_commas(out))
}

/// A list whose closing bracket is on a line of its own ends with a comma; one closed on the
/// line of its last element does not. Both are optional in the grammar, so meaning is unchanged.
fn trailing_commas(tokens: Vec<Token>) -> Vec<Token> {
    let closes = |t: &Token| t.list_close;
    let opens = |t: &Token| t.kind == Kind::Punct && matches!(t.text.as_str(), "(" | "[" | "{") && !t.block_open;
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1);
        if t.kind == Kind::Punct && t.text == "," && next.is_some_and(|n| closes(n) && n.newlines_before == 0) {
            continue;
        }
        if closes(t) && t.newlines_before > 0 {
            let last = out.iter().rposition(|p| p.kind != Kind::Comment);
            if let Some(at) = last.filter(|&at| out.get(at).is_some_and(|p| p.text != "," && !opens(p))) {
                let end = out.get(at).map_or(0, |p| p.end);
                out.insert(at + 1, token(",".to_owned(), Kind::Punct, end, end));
            }
        }
        out.push(t.clone());
    }
    out
}

/// Scans the text between tokens from `from` to `to`: comments and punctuation (of `rule`).
/// Stops at the first character that is neither when `rule` is `None` (the top level) and returns
/// where it stopped.
fn gap(text: &str, from: usize, to: usize, rule: Option<Rule>, out: &mut Vec<Token>) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        let Some(&b) = bytes.get(i) else { break };
        if b.is_ascii_whitespace() {
            i += 1;
        } else if bytes.get(i..i + 2) == Some(b"//") {
            let end = text.get(i..to).and_then(|r| r.find('\n')).map_or(to, |n| i + n);
            let comment = text.get(i..end).unwrap_or("").trim_end().to_owned();
            out.push(token(comment, Kind::Comment, i, end));
            i = end;
        } else {
            let Some(rule) = rule else { return i };
            let len = if matches!(bytes.get(i..i + 2), Some(b"::") | Some(b"->") | Some(b"..")) { 2 } else { 1 };
            let text_of = text.get(i..i + len).unwrap_or("").to_owned();
            let mut t = token(text_of, Kind::Punct, i, i + len);
            match (rule, t.text.as_str()) {
                (r, "{") if BRACED.contains(&r) => t.block_open = true,
                (r, "}") if BRACED.contains(&r) => t.block_close = true,
                (r, "(") if CALLS.contains(&r) => t.tight_before = true,
                (r, ")") if CALLS.contains(&r) => t.list_close = true,
                (Rule::set, "]") | (Rule::use_list, "}") => t.list_close = true,
                (Rule::type_expr, "<") => {
                    t.tight_before = true;
                    t.tight_after = true;
                }
                (Rule::type_expr, ">") => t.tight_before = true,
                // Optional separators the layout makes redundant: dropped.
                (Rule::attr_decl, ",") | (Rule::use_item, ";") => {
                    i += len;
                    continue;
                }
                _ => {}
            }
            out.push(t);
            i += len;
        }
    }
    i
}

fn walk(text: &str, offset: usize, pair: Pair<'_, Rule>, out: &mut Vec<Token>) {
    let rule = pair.as_rule();
    let span = pair.as_span();
    let (start, end) = (offset + span.start(), offset + span.end());
    let children: Vec<Pair<'_, Rule>> = pair.clone().into_inner().collect();
    if children.is_empty() || WHOLE.contains(&rule) {
        // Inside an amount or `not in`, any run of spaces means one.
        let words: String = if matches!(rule, Rule::amount | Rule::not_in) {
            span.as_str().split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            span.as_str().to_owned()
        };
        let mut t = token(words, Kind::Word, start, end);
        t.class = class(rule);
        t.block_open = rule == Rule::block_open;
        t.block_close = rule == Rule::block_close;
        out.push(t);
        return;
    }
    let mut pos = start;
    for child in children {
        let child_start = offset + child.as_span().start();
        gap(text, pos, child_start, Some(rule), out);
        let first = out.len();
        let child_rule = child.as_rule();
        pos = offset + child.as_span().end();
        walk(text, offset, child, out);
        let starts_line = LINE_PER_CHILD.contains(&rule)
            && !is_keyword(child_rule)
            && !matches!(child_rule, Rule::block_open | Rule::block_close);
        if starts_line && let Some(t) = out.get_mut(first) {
            t.unit_start = true;
        }
    }
    gap(text, pos, end, Some(rule), out);
}
