//! The inputs of the database and the interned key of an item.
//!
//! salsa generates the constructors, builders and setters of these structs (`new`, `builder`,
//! `set_text`, …); they have no documentation of their own, hence the `allow` below.
#![allow(missing_docs)]

use std::collections::BTreeMap;
use std::sync::Arc;

use salsa::plumbing::AsId;

use crate::source::FileId;

/// One source file: its name, its text, its id in its ruleset and whether it is the standard
/// library's.
#[salsa::input(debug)]
pub struct SourceInput {
    /// The name shown in diagnostics (a path, or `std/…`).
    #[returns(ref)]
    pub name: String,
    /// The text.
    #[returns(ref)]
    pub text: Arc<str>,
    /// Its id in its ruleset.
    #[returns(copy)]
    pub id: FileId,
    /// Whether it belongs to the standard library.
    #[returns(copy)]
    pub library: bool,
}

/// One ruleset: its files, standard library first, and the extension modules beside it.
#[salsa::input(debug)]
pub struct RulesetInput {
    /// The files, by [`FileId`].
    #[returns(ref)]
    pub files: Vec<SourceInput>,
    /// Extension modules, by file name.
    #[returns(ref)]
    pub modules: BTreeMap<String, Arc<[u8]>>,
}

/// One chunk of a file (an item and the trivia after it, see [`crate::syntax::chunks`]), by what
/// it says: the same text in the same file, before the same next keyword and after the same number
/// of identical chunks, is the same key after any edit elsewhere.
#[salsa::interned(debug)]
pub struct ChunkKey<'db> {
    /// The ruleset it belongs to.
    #[returns(copy)]
    pub ruleset: RulesetInput,
    /// Its file.
    #[returns(copy)]
    pub file: FileId,
    /// Its text.
    #[returns(ref)]
    pub text: String,
    /// The first word of the next chunk (the parser's messages look that far), or nothing.
    #[returns(ref)]
    pub lookahead: String,
    /// How many identical chunks come before it in the file.
    #[returns(copy)]
    pub ordinal: u32,
}

impl<'db> ChunkKey<'db> {
    /// The salsa index of this key, which numbers its item coordinates.
    pub(crate) fn index(self) -> u32 {
        self.as_id().index()
    }
}
