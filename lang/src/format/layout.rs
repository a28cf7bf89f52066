//! Laying tokens out: one item, clause, setting or attribute per line, two spaces per block,
//! canonical spacing within a line, the author's line breaks inside a long clause kept as
//! continuation lines, at most one blank line in a row, comments where they were.

use super::tokens::{Kind, Token};

/// Items that stand apart: always a blank line before and after them.
const BIG_ITEMS: &[&str] = &["schema", "settings", "template", "promotion"];

/// Spaces per block level.
const INDENT: usize = 2;
/// Extra spaces of a clause's continuation line.
const CONTINUATION: usize = 4;

/// One output line: its indentation, code and trailing comment.
#[derive(Debug, Default)]
struct Line {
    indent: usize,
    code: String,
    comment: Option<String>,
}

fn space_between(prev: &Token, next: &Token) -> bool {
    if prev.tight_after || next.tight_before {
        return false;
    }
    let (p, n) = (prev.text.as_str(), next.text.as_str());
    if next.kind == Kind::Punct && matches!(n, "," | ")" | "]" | ":" | "::") {
        return false;
    }
    if prev.kind == Kind::Punct && matches!(p, "(" | "[" | "::") {
        return false;
    }
    // An inline `{ … }` (a `use` list) hugs its contents.
    if prev.kind == Kind::Punct && p == "{" && !prev.block_open {
        return false;
    }
    if next.kind == Kind::Punct && n == "}" && !next.block_close {
        return false;
    }
    true
}

/// Lays out `tokens`.
pub(super) fn layout(tokens: &[Token]) -> String {
    let mut lines: Vec<Line> = Vec::new();
    let mut depth = 0usize;
    let mut prev: Option<&Token> = None;
    let mut last_item_word = "";
    // Brackets open in the current clause.
    let mut open = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        if t.block_close {
            depth = depth.saturating_sub(1);
        }
        let Some(p) = prev else {
            lines.push(Line { indent: 0, code: t.text.clone(), comment: None });
            if t.item_start {
                last_item_word = t.text.as_str();
            }
            if t.block_open {
                depth += 1;
            }
            prev = Some(t);
            continue;
        };
        // A comment on the line of the previous token stays there.
        if t.kind == Kind::Comment && t.newlines_before == 0 && p.kind != Kind::Comment {
            if let Some(line) = lines.last_mut() {
                line.comment = Some(t.text.clone());
            }
            prev = Some(t);
            continue;
        }
        let forced = p.kind == Kind::Comment || t.unit_start || t.block_close || p.block_open;
        let kept = t.newlines_before > 0 && !t.block_open;
        if forced || kept || t.kind == Kind::Comment {
            // Blank lines: one where the author left any, none just inside braces; around big
            // items always one.
            let next_word = if t.item_start { t.text.as_str() } else { next_item_word(tokens, i) };
            let between_items = depth == 0 && (t.item_start || t.kind == Kind::Comment);
            // A comment run before an item belongs to it: the blank line goes before the run.
            let big =
                between_items && !p.own_line && (BIG_ITEMS.contains(&next_word) || BIG_ITEMS.contains(&last_item_word));
            let blank = !p.block_open && !t.block_close && (t.newlines_before >= 2 || big);
            if blank {
                lines.push(Line::default());
            }
            if t.unit_start {
                open = 0;
            }
            // Inside brackets, a line is indented one step per open bracket, and the closing
            // bracket lines up with the line that opened it; elsewhere a continuation is deeper.
            let closing = t.kind == Kind::Punct && matches!(t.text.as_str(), ")" | "]");
            let brackets = if closing { open.saturating_sub(1) } else { open };
            let continuation = !(t.unit_start || t.block_close || starts_unit_after_comments(tokens, i));
            let extra = match (continuation, brackets) {
                (false, _) => 0,
                (true, 0) if closing => 0,
                (true, 0) => CONTINUATION,
                (true, n) => n * INDENT,
            };
            let indent = depth * INDENT + extra;
            lines.push(Line { indent, code: t.text.clone(), comment: None });
        } else if let Some(line) = lines.last_mut() {
            if space_between(p, t) {
                line.code.push(' ');
            }
            line.code.push_str(&t.text);
        }
        if t.item_start {
            last_item_word = t.text.as_str();
        }
        if t.block_open {
            depth += 1;
        }
        if t.kind == Kind::Punct {
            match t.text.as_str() {
                "(" | "[" => open += 1,
                ")" | "]" => open = open.saturating_sub(1),
                _ => {}
            }
        }
        prev = Some(t);
    }
    render(&mut lines)
}

/// For a comment at `i`: whether the first token after the comments there starts a line of its
/// own (so the comment is indented as that line, not as a continuation).
fn starts_unit_after_comments(tokens: &[Token], i: usize) -> bool {
    let Some(t) = tokens.get(i) else { return false };
    if t.kind != Kind::Comment {
        return false;
    }
    tokens
        .get(i..)
        .unwrap_or(&[])
        .iter()
        .find(|t| t.kind != Kind::Comment)
        .is_none_or(|n| n.unit_start || n.block_close)
}

/// The first word of the next item after the comments at `i`.
fn next_item_word(tokens: &[Token], i: usize) -> &str {
    tokens
        .get(i..)
        .unwrap_or(&[])
        .iter()
        .find(|t| t.kind != Kind::Comment)
        .filter(|t| t.item_start)
        .map_or("", |t| t.text.as_str())
}

/// Prints `lines`, aligning the trailing comments of consecutive lines.
fn render(lines: &mut [Line]) -> String {
    let mut i = 0;
    while i < lines.len() {
        let run =
            lines.get(i..).unwrap_or(&[]).iter().take_while(|l| l.comment.is_some() && !l.code.is_empty()).count();
        if run >= 2 {
            let width = lines.get(i..i + run).unwrap_or(&[]).iter().map(|l| l.indent + l.code.chars().count()).max();
            for line in lines.get_mut(i..i + run).unwrap_or(&mut []) {
                let pad = width.unwrap_or(0) - (line.indent + line.code.chars().count());
                line.code.push_str(&" ".repeat(pad));
            }
        }
        i += run.max(1);
    }
    let mut out = String::new();
    for line in lines.iter() {
        if !line.code.is_empty() {
            out.push_str(&" ".repeat(line.indent));
            out.push_str(&line.code);
        }
        if let Some(c) = &line.comment {
            out.push_str(if line.code.is_empty() { "" } else { "  " });
            out.push_str(c);
        }
        out.push('\n');
    }
    out
}
