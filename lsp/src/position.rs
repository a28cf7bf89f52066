//! Byte offsets ↔ LSP positions (line, UTF-16 code unit), the protocol's default encoding.

use tower_lsp_server::ls_types::{Position, Range};

/// The LSP position of byte `offset` in `text` (clamped to the text).
pub fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before.get(line_start..).unwrap_or("").chars().map(char::len_utf16).sum();
    Position { line: line as u32, character: character as u32 }
}

/// The LSP range of bytes `start..end`.
pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range { start: position(text, start), end: position(text, end) }
}

/// The byte offset of `pos` in `text` (clamped to its line and to the text).
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text.get(line_start..).and_then(|rest| rest.find('\n')) {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line = text.get(line_start..).unwrap_or("");
    let line = line.split('\n').next().unwrap_or("");
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_start + line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "a\n€x😀y\n";
        assert_eq!(position(text, 2), Position { line: 1, character: 0 });
        assert_eq!(position(text, 5), Position { line: 1, character: 1 }, "€ is one unit");
        assert_eq!(position(text, 10), Position { line: 1, character: 4 }, "😀 is two units");
        for at in [0, 2, 5, 6, 10, 11] {
            assert_eq!(offset(text, position(text, at)), at);
        }
    }
}
