//! Source files, byte spans and the one line index that turns spans into lines and columns.
//!
//! Spans are byte offsets into one file's text. They are converted to line and column only at the
//! edge (the CLI's JSON, later the language server), always through [`LineIndex`].

use std::sync::Arc;

use serde::Serialize;

/// Identifies a file inside a [`Sources`] registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span in `file` from `start` to `end`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start, end }
    }

    /// The smallest span covering both (they must be in the same file; if not, `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// Whether `inner` lies within `self`.
    pub fn contains(&self, inner: Span) -> bool {
        self.file == inner.file && self.start <= inner.start && inner.end <= self.end
    }

    /// The span's length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span is empty (a point).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// One source file: its display name (a path, or `std/…` for the standard library) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Name shown in diagnostics.
    pub name: String,
    /// The text.
    pub text: Arc<str>,
    /// Line starts of `text`.
    pub lines: LineIndex,
}

impl SourceFile {
    /// A file with `name` and `text`.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        let text = text.into();
        let lines = LineIndex::new(&text);
        SourceFile { name: name.into(), text, lines }
    }

    /// The text under `span`, or `""` if the span does not fit this file.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// Every file of a compilation, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty registry.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name, text));
        id
    }

    /// The file with `id`.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Every file with its id, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }
}

/// Byte offsets of line starts, for converting offsets to 1-based line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// Line and column of byte `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let offset = offset.min(text.len());
        let column = text.get(start..offset).map_or(offset.saturating_sub(start), |s| s.chars().count());
        LineCol { line: line + 1, column: column + 1 }
    }
}

/// Item coordinates. The incremental database checks each item of a file on its own, in
/// coordinates that do not move when text before it changes: item `k`'s bytes are numbered from
/// [`item_base`]`(k)`. A [`Relocation`] turns such offsets back into offsets in the file.
///
/// INVARIANT: file offsets are below `2^32` and item coordinates at or above it, so every offset
/// says which kind it is.
const ITEM_SHIFT: u32 = 32;

/// The first offset of item `k` in item coordinates.
pub fn item_base(k: u32) -> usize {
    usize::try_from((u64::from(k) + 1) << ITEM_SHIFT).unwrap_or(usize::MAX)
}

/// Where each item checked in item coordinates starts in its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relocation {
    starts: rustc_hash::FxHashMap<u32, usize>,
}

impl Relocation {
    /// An empty relocation: every offset is a file offset.
    pub fn new() -> Relocation {
        Relocation::default()
    }

    /// Records that item `k` starts at byte `start` of its file.
    pub fn insert(&mut self, k: u32, start: usize) {
        self.starts.insert(k, start);
    }

    /// The file offset of `offset` (a file offset already, or in item coordinates).
    pub fn offset(&self, offset: usize) -> usize {
        let wide = offset as u64;
        let Ok(item) = u32::try_from(wide >> ITEM_SHIFT) else { return offset };
        if item == 0 {
            return offset;
        }
        let within = usize::try_from(wide & ((1 << ITEM_SHIFT) - 1)).unwrap_or(0);
        self.starts.get(&(item - 1)).map_or(offset, |start| start + within)
    }

    /// `span` in file offsets.
    pub fn span(&self, span: Span) -> Span {
        Span { file: span.file, start: self.offset(span.start), end: self.offset(span.end) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "ab\nc€d\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // `d` follows the three-byte euro sign: byte 7, column 3.
        assert_eq!(idx.line_col(text, 7), LineCol { line: 2, column: 3 });
        assert_eq!(idx.line_col(text, 9), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn relocation_moves_item_offsets_and_keeps_file_offsets() {
        let mut r = Relocation::new();
        r.insert(7, 120);
        assert_eq!(r.offset(35), 35);
        assert_eq!(r.offset(item_base(7)), 120);
        assert_eq!(r.offset(item_base(7) + 9), 129);
        // An item the relocation does not know keeps its offset rather than inventing one.
        assert_eq!(r.offset(item_base(8) + 1), item_base(8) + 1);
        let span = Span::new(FileId(2), item_base(7) + 4, item_base(7) + 10);
        assert_eq!(r.span(span), Span::new(FileId(2), 124, 130));
    }
}
