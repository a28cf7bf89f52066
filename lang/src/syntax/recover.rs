//! The parser that never fails: items are parsed one at a time; a broken item is reported and
//! skipped up to the next line that starts with an item keyword, so the rest of the file is kept.

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};

use super::convert::{Converter, Malformed};
use super::{MAX_NESTING, Parsed, PromoParser, Rule, SyntaxError};
use crate::source::{FileId, Span};

/// The words that start an item. A broken item is skipped up to the next line starting with one.
pub const ITEM_KEYWORDS: &[&str] = &["use", "schema", "settings", "pool", "template", "promotion", "extern"];

/// Words that may start a clause, for "did you mean" on a misspelt clause.
const CLAUSE_KEYWORDS: &[&str] = &[
    "level",
    "window",
    "scope",
    "eligible",
    "price",
    "discount",
    "buy",
    "gift",
    "addon",
    "bundle",
    "presale",
    "group",
    "coupon",
    "limit",
    "stock",
    "budget",
    "exclusive",
    "stacks",
    "withdraw",
    "pay",
    "label",
    "refund",
    "floor",
];

/// Parses `text` (file `file`): every item that parses, and one error per item that does not.
///
/// Each item is parsed within its *chunk*: from where it starts to the next line whose first word
/// is an item keyword ([`chunks`]). So an item never runs into the next one, and a file parses to
/// exactly what its chunks parse to one by one ([`parse_chunk`]), which is what lets the database
/// re-parse only the chunk an edit touched.
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_in(file, text, text.len(), 0)
}

/// Where each chunk of `text` starts and ends: the first runs from the start of the file, each
/// other from an item keyword at the start of a line, each to where the next begins.
pub fn chunks(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = skip_trivia(text, 0);
    while pos < text.len() {
        let Some(next) = next_item_start(text, pos) else { break };
        out.push((start, next));
        start = next;
        pos = next;
    }
    if start < text.len() || out.is_empty() {
        out.push((start, text.len()));
    }
    out
}

/// Parses one chunk of a file on its own: `text` is the chunk followed by the first word of the
/// next chunk (the parser's error messages look that far), `limit` where the chunk ends, and
/// every span is moved by `base`. Gives what [`parse`] of the whole file gives for this chunk.
pub fn parse_chunk(file: FileId, text: &str, limit: usize, base: usize) -> Parsed {
    parse_in(file, text, limit.min(text.len()), base)
}

/// The items of `text[..limit]`, spans moved by `base`.
fn parse_in(file: FileId, text: &str, limit: usize, base: usize) -> Parsed {
    let at = |a: usize, b: usize| Span::new(file, base + a, base + b);
    let mut parsed = Parsed::default();
    let mut pos = skip_trivia(text, 0);
    while pos < limit {
        let item_end = next_item_start(text, pos).unwrap_or(text.len()).min(limit);
        if let Some(deep) = too_deep(text, pos, item_end) {
            parsed.errors.push(SyntaxError::TooDeep { limit: MAX_NESTING, span: at(deep, deep + 1) });
            pos = skip_trivia(text, item_end);
            continue;
        }
        let rest = text.get(pos..item_end).unwrap_or("");
        match PromoParser::parse(Rule::item, rest) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                let converter = Converter { file, offset: base + pos };
                match converter.item(pair) {
                    Ok(item) => parsed.file.items.push(item),
                    Err(Malformed::TooDeep(span)) => {
                        parsed.errors.push(SyntaxError::TooDeep { limit: MAX_NESTING, span });
                    }
                    Err(Malformed::Shape) => {
                        parsed.errors.push(SyntaxError::Internal { span: at(pos, end) });
                    }
                }
                // INVARIANT: an item consumes at least its keyword, so `end > pos` and the loop ends.
                pos = skip_trivia(text, end.max(pos + 1));
            }
            Err(error) => {
                let failed_at = pos
                    + match error.location {
                        InputLocation::Pos(p) => p,
                        InputLocation::Span((s, _)) => s,
                    };
                let mut e = describe(file, text, (pos, item_end), failed_at, &error.variant);
                e.shift(base);
                parsed.errors.push(e);
                pos = skip_trivia(text, item_end);
            }
        }
    }
    parsed
}

/// Skips whitespace and `//` comments from `pos`.
fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
            pos += 1;
        }
        if bytes.get(pos..pos + 2) == Some(b"//") {
            while bytes.get(pos).is_some_and(|&b| b != b'\n') {
                pos += 1;
            }
        } else {
            return pos.min(text.len());
        }
    }
}

/// The start of the first line after `pos` whose first word is an item keyword.
fn next_item_start(text: &str, pos: usize) -> Option<usize> {
    let mut line_start = text.get(pos..)?.find('\n').map(|i| pos + i + 1)?;
    loop {
        let line = text.get(line_start..)?;
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let word: String = line.get(indent..)?.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if ITEM_KEYWORDS.contains(&word.as_str()) {
            return Some(line_start + indent);
        }
        line_start = line.find('\n').map(|i| line_start + i + 1)?;
    }
}

/// Where `(` / `[` nesting first exceeds [`MAX_NESTING`] in `text[start..end]`, ignoring strings
/// and comments.
fn too_deep(text: &str, start: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut first_too_deep = None;
    scan_code(text, start, end, |i, b| match b {
        b'(' | b'[' => {
            depth += 1;
            if depth > MAX_NESTING && first_too_deep.is_none() {
                first_too_deep = Some(i);
            }
        }
        b')' | b']' => depth = depth.saturating_sub(1),
        _ => {}
    });
    first_too_deep
}

/// Turns pest's failure at `at` (inside the item that spans `item_start..item_end`) into one
/// clear error. What it reads of the text after the item is at most the next item's first word,
/// so an item's error is the same whether the whole file or only its chunk is parsed.
fn describe(
    file: FileId,
    text: &str,
    (item_start, item_end): (usize, usize),
    at: usize,
    variant: &ErrorVariant<Rule>,
) -> SyntaxError {
    let at = at.min(text.len());
    // A block still open where the next item (or the end of the file) starts: say so, pointing at
    // the `{` that was never closed.
    let resumes = skip_trivia(text, at);
    let at_item_or_end = resumes >= text.len()
        || next_item_start(text, resumes.saturating_sub(1)).is_some_and(|n| n == resumes)
        || starts_with_item_keyword(text, resumes);
    if at_item_or_end && let Some(open) = unclosed_brace(text, item_start, resumes) {
        let next = Span::new(file, resumes, (resumes + word_len(text, resumes)).max(resumes));
        return SyntaxError::UnclosedBlock { open: Span::new(file, open, open + 1), next };
    }
    if let Some(quote) = unterminated_string(text, item_start, at.max(item_start), item_end) {
        let line_end = text.get(quote..).and_then(|s| s.find('\n')).map_or(item_end, |i| quote + i).min(item_end);
        return SyntaxError::UnterminatedString { span: Span::new(file, quote, line_end) };
    }
    let found_len = word_len(text, at);
    let found = match text.get(at..at + found_len) {
        None | Some("") => "the end of the file".to_owned(),
        Some(w) => format!("`{w}`"),
    };
    let (expected, expects_clause) = match variant {
        ErrorVariant::ParsingError { positives, .. } => expected_words(positives),
        ErrorVariant::CustomError { message } => (message.clone(), false),
    };
    let help = if expects_clause {
        text.get(at..at + found_len)
            .and_then(|w| did_you_mean(w, CLAUSE_KEYWORDS))
            .map(|k| format!("did you mean `{k}`?"))
    } else {
        None
    };
    SyntaxError::Unexpected { expected, found, span: Span::new(file, at, at + found_len), help }
}

fn starts_with_item_keyword(text: &str, pos: usize) -> bool {
    let len = word_len(text, pos);
    text.get(pos..pos + len).is_some_and(|w| ITEM_KEYWORDS.contains(&w))
}

/// The length of the token at `pos`: a word, or one character.
fn word_len(text: &str, pos: usize) -> usize {
    let Some(rest) = text.get(pos..) else { return 0 };
    let word: usize = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
    if word > 0 { word } else { rest.chars().next().map_or(0, char::len_utf8) }
}

/// The last `{` in `text[start..end]` without its `}`, ignoring strings and comments.
fn unclosed_brace(text: &str, start: usize, end: usize) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    scan_code(text, start, end, |i, b| match b {
        b'{' => open.push(i),
        b'}' => {
            open.pop();
        }
        _ => {}
    });
    open.last().copied()
}

/// A `"` in `text[start..=end]`'s lines, up to `limit`, that is not closed on its line.
fn unterminated_string(text: &str, start: usize, end: usize, limit: usize) -> Option<usize> {
    let line_end = text.get(end..).and_then(|s| s.find('\n')).map_or(text.len(), |i| end + i).min(limit);
    let segment = text.get(start..line_end)?;
    let mut open: Option<usize> = None;
    let mut escaped = false;
    let mut in_comment = false;
    let bytes = segment.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_comment {
            in_comment = b != b'\n';
            continue;
        }
        match (open, b) {
            (Some(_), b'\\') if !escaped => escaped = true,
            (Some(_), b'"') if !escaped => open = None,
            (Some(q), b'\n') => return Some(start + q),
            (None, b'"') => open = Some(i),
            (None, b'/') if bytes.get(i + 1) == Some(&b'/') => in_comment = true,
            _ => escaped = false,
        }
    }
    open.map(|q| start + q)
}

/// Calls `f` with each byte of `text[start..end]` that is code (not in a string or comment).
fn scan_code(text: &str, start: usize, end: usize, mut f: impl FnMut(usize, u8)) {
    let Some(segment) = text.get(start..end.min(text.len())) else { return };
    let bytes = segment.as_bytes();
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_comment {
            in_comment = b != b'\n';
        } else if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' || b == b'\n' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            in_comment = true;
        } else {
            f(start + i, b);
        }
    }
}

/// The closest of `candidates` to `word`, if close enough to suggest.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d > 0 && *d <= (c.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// What pest expected, in words, and whether a clause was among it.
fn expected_words(positives: &[Rule]) -> (String, bool) {
    let mut words: Vec<String> = Vec::new();
    let mut expects_clause = false;
    for rule in positives {
        let word = match rule {
            r if is_clause(*r) || is_clause_keyword(*r) => {
                expects_clause = true;
                "a clause (`scope`, `price`, `discount`, `window` …)".to_owned()
            }
            Rule::item
            | Rule::use_item
            | Rule::schema_item
            | Rule::settings_item
            | Rule::pool_item
            | Rule::template_item
            | Rule::promotion_item
            | Rule::extern_item => {
                "an item (`promotion`, `pool`, `use`, `schema`, `settings`, `template`, `extern`)".to_owned()
            }
            Rule::value | Rule::set_entry => "a value".to_owned(),
            Rule::amount | Rule::number => "a number".to_owned(),
            Rule::percent => "a percentage like `20%`".to_owned(),
            Rule::duration => "a duration like `2h` or `15m`".to_owned(),
            Rule::datetime | Rule::date => "a date and time like `2026-06-18 10:00`".to_owned(),
            Rule::clock => "a time like `10:00`".to_owned(),
            Rule::string => "a quoted text like `\"Flash Sale\"`".to_owned(),
            Rule::ident | Rule::path => "a name".to_owned(),
            Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::comparison | Rule::operand => {
                "an expression".to_owned()
            }
            Rule::compare_tail | Rule::cmp_op => "an operator (`==`, `!=`, `<`, `in`, `has` …)".to_owned(),
            Rule::timezone => "a time zone like `Asia/Shanghai`".to_owned(),
            Rule::block | Rule::block_open => "`{`".to_owned(),
            Rule::block_close => "`}`".to_owned(),
            Rule::range_op => "`..`".to_owned(),
            Rule::type_expr => "a type (`text`, `int`, `decimal`, `money`, `bool`, `set<text>` …)".to_owned(),
            Rule::enum_decl | Rule::attr_group => "`enum`, `product {` or `customer {`".to_owned(),
            Rule::attr_decl => "an attribute `name: type` or `}`".to_owned(),
            Rule::currency_setting
            | Rule::calculation_setting
            | Rule::rounding_setting
            | Rule::stacking_setting
            | Rule::timezone_setting
            | Rule::floor_setting
            | Rule::extension_setting => {
                "a setting (`currency`, `calculation`, `rounding`, `stacking`, `timezone`, `floor`, `refund`, `extension`) or `}`"
                    .to_owned()
            }
            Rule::refund_policy => "`deduct gift`, `allocated` or `require gift`".to_owned(),
            Rule::threshold => "`when spend …` or `when buy …`".to_owned(),
            Rule::unit_choice => "`cheapest` or `priciest`".to_owned(),
            Rule::stack_target => "`item`, `store`, `platform`, `coupons` or a promotion's name".to_owned(),
            Rule::param | Rule::extern_param => "a parameter `name: type`".to_owned(),
            Rule::result_arrow => "`->` and the result type".to_owned(),
            Rule::call => "a call `name(arguments)`".to_owned(),
            Rule::argument => "an argument `name: value`".to_owned(),
            Rule::use_list => "`{` and template names".to_owned(),
            other => {
                let name = format!("{other:?}");
                match name.strip_prefix("kw_") {
                    Some(word) => format!("`{word}`"),
                    None => name.replace('_', " "),
                }
            }
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    let expected = match words.as_slice() {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    };
    (expected, expects_clause)
}

fn is_clause_keyword(rule: Rule) -> bool {
    let name = format!("{rule:?}");
    name.strip_prefix("kw_").is_some_and(|w| CLAUSE_KEYWORDS.contains(&w))
}

fn is_clause(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::level_clause
            | Rule::window_clause
            | Rule::scope_clause
            | Rule::eligible_clause
            | Rule::price_clause
            | Rule::discount_clause
            | Rule::multibuy_clause
            | Rule::buy_get_clause
            | Rule::gift_clause
            | Rule::addon_clause
            | Rule::bundle_clause
            | Rule::presale_clause
            | Rule::group_clause
            | Rule::coupon_clause
            | Rule::limit_clause
            | Rule::stock_clause
            | Rule::budget_clause
            | Rule::exclusive_clause
            | Rule::stacks_clause
            | Rule::withdraw_clause
            | Rule::pay_clause
            | Rule::label_clause
            | Rule::refund_clause
            | Rule::floor_clause
    )
}
