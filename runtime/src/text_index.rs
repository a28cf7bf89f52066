//! Texts a ruleset already keeps — its symbols, its promotions' names — found by their words: a
//! hash table of their positions, 4 bytes an entry, instead of a map holding a second copy of
//! every text. For a ruleset of 100,000 promotions the two maps that held copies were some 9 MiB
//! of the 12.8 MiB [`Prepared`](crate::Prepared) added (README "Memory").

use std::hash::BuildHasher;

use hashbrown::HashTable;

/// Positions in a list of texts kept elsewhere, hashed by the text with `S`.
// INVARIANT: every position is below the length of the list it was built from, and the caller
// looks texts up against that same list (`Prepared` and its `Binder` keep both together).
#[derive(Clone, Default)]
pub(crate) struct TextIndex<S> {
    table: HashTable<u32>,
    hasher: S,
}

impl<S> std::fmt::Debug for TextIndex<S> {
    /// How many texts it finds (a hasher need not say what it is).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextIndex").field("texts", &self.table.len()).finish()
    }
}

/// What building a [`TextIndex`] does when a text is listed twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeated {
    /// The later position is found (a map collected from the list keeps the last).
    KeepLast,
    /// No index: the caller searches the list instead.
    Refuse,
}

impl<S: BuildHasher> TextIndex<S> {
    /// The positions of `texts` (at most `u32::MAX` of them), or `None` when a text repeats and
    /// `repeated` refuses it.
    pub fn new(texts: &[impl AsRef<str>], hasher: S, repeated: Repeated) -> Option<TextIndex<S>> {
        let mut table: HashTable<u32> = HashTable::with_capacity(texts.len());
        let text = |at: u32| texts.get(at as usize).map_or("", AsRef::as_ref);
        for (at, t) in texts.iter().enumerate() {
            let t = t.as_ref();
            let at = u32::try_from(at).ok()?;
            let hash = hasher.hash_one(t);
            match table.find_mut(hash, |&other| text(other) == t) {
                Some(_) if repeated == Repeated::Refuse => return None,
                Some(slot) => *slot = at,
                None => {
                    table.insert_unique(hash, at, |&other| hasher.hash_one(text(other)));
                }
            }
        }
        Some(TextIndex { table, hasher })
    }

    /// The position of `text`, where `text_at` reads the list the index was built from.
    #[inline]
    pub fn find<'t>(&self, text: &str, text_at: impl Fn(u32) -> &'t str) -> Option<u32> {
        self.table.find(self.hasher.hash_one(text), |&at| text_at(at) == text).copied()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::{Repeated, TextIndex};

    proptest! {
        /// Whatever the texts, the index finds what a map collected from them finds — the last
        /// position of a repeated text — and refuses a list with a repeat only when asked to.
        #[test]
        fn the_index_finds_what_a_map_of_the_texts_finds(
            texts in proptest::collection::vec("[a-c]{0,3}", 0..40),
            asked in proptest::collection::vec("[a-d]{0,3}", 0..20),
        ) {
            let map: HashMap<&str, u32> = texts.iter().enumerate().map(|(i, t)| (t.as_str(), i as u32)).collect();
            let at = |i: u32| texts[i as usize].as_str();
            let index = TextIndex::new(&texts, foldhash::fast::RandomState::default(), Repeated::KeepLast).unwrap();
            for t in texts.iter().chain(&asked) {
                prop_assert_eq!(index.find(t, at), map.get(t.as_str()).copied(), "{}", t);
            }
            let refused = TextIndex::new(&texts, rustc_hash::FxBuildHasher, Repeated::Refuse).is_none();
            prop_assert_eq!(refused, map.len() < texts.len());
        }
    }

    #[test]
    fn each_text_is_found_at_its_position_and_no_other_text_is() {
        let texts = ["shoes", "hats", "", "S1", "S10"];
        let index = TextIndex::new(&texts, rustc_hash::FxBuildHasher, Repeated::Refuse).unwrap();
        let at = |i: u32| texts[i as usize];
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(index.find(t, at), Some(i as u32), "{t}");
        }
        assert_eq!(index.find("S", at), None);
        assert_eq!(index.find("shoe", at), None);
        assert_eq!(index.find("S100", at), None);
    }

    #[test]
    fn a_repeated_text_is_found_at_its_last_position_or_refused() {
        let texts = ["a", "b", "a"];
        let at = |i: u32| texts[i as usize];
        let last = TextIndex::new(&texts, rustc_hash::FxBuildHasher, Repeated::KeepLast).unwrap();
        assert_eq!((last.find("a", at), last.find("b", at)), (Some(2), Some(1)));
        assert!(TextIndex::new(&texts, rustc_hash::FxBuildHasher, Repeated::Refuse).is_none());
        let none: [&str; 0] = [];
        let empty = TextIndex::new(&none, rustc_hash::FxBuildHasher, Repeated::Refuse).unwrap();
        assert_eq!(empty.find("a", |_| ""), None);
    }
}
