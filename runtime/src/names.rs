//! Promotion names as every outcome holds them, without a shared count to update.
//!
//! An outcome names a promotion wherever it concerns something — each line it was a candidate
//! of, each allocation, discount, gift and trace step: some 3,800 times for a 200-line cart of
//! 1,000 promotions. A [`SmolStr`] of up to 23 bytes is stored inline and copied; a longer one —
//! most real names: "Acme shoes: every 300 off 40, at most 3 times" — shares its text through a
//! reference count, so every copy and every drop is an atomic operation on a count every thread
//! pricing with the ruleset also updates. With names of 50 bytes, a 200-line pricing took some
//! 12 % longer than with names of four at the median, and up to 45 % in quiet runs
//! (`benches/HISTORY.md`), in time the instruction counts do not show.
//!
//! So [`Prepared`](crate::Prepared) holds each long name as a static text, interned here once
//! per process: copying one copies a pointer and a length, and dropping it does nothing. The
//! texts are kept for the life of the process — a name loaded again (a ruleset swapped in with
//! the same promotions) finds its text already here — up to [`KEPT_BYTES`] in all; past that a
//! name is shared by its reference count as before, so a process that loads rulesets of ever new
//! names does not grow without bound.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use smol_str::SmolStr;

/// The most bytes of names kept for the life of the process: some 300,000 names of 50 bytes.
pub const KEPT_BYTES: usize = 16 << 20;

/// The names kept, and their bytes.
struct Kept {
    texts: HashSet<&'static str>,
    bytes: usize,
}

/// The names kept for the life of the process.
// INVARIANT: `bytes` is the sum of the lengths of `texts`, at most the limit it was kept within.
static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(|| Mutex::new(Kept { texts: HashSet::new(), bytes: 0 }));

impl Kept {
    /// The static text equal to `text`: the one kept, or a new one if `limit` bytes allow it.
    fn get_or_keep(&mut self, text: &str, limit: usize) -> Option<&'static str> {
        if let Some(&kept) = self.texts.get(text) {
            return Some(kept);
        }
        if self.bytes.saturating_add(text.len()) > limit {
            return None;
        }
        let kept: &'static str = Box::leak(Box::from(text));
        self.texts.insert(kept);
        self.bytes += text.len();
        Some(kept)
    }
}

/// Makes each of `names` what a [`Prepared`](crate::Prepared) ruleset holds, in place: a short
/// one stays as it is (inline), a long one becomes a static text kept for the process, or — once
/// [`KEPT_BYTES`] are kept — stays as it is; equal to what it was in every case. The process's
/// set of kept names is taken once for them all (a ruleset of 100,000 promotions is one lock,
/// not 100,000), and not at all when every name is short.
pub fn share_all<'n>(names: impl IntoIterator<Item = &'n mut SmolStr>) {
    share_all_within(names, KEPT_BYTES);
}

/// [`share_all`] with at most `limit` bytes kept.
fn share_all_within<'n>(names: impl IntoIterator<Item = &'n mut SmolStr>, limit: usize) {
    let mut kept = None;
    for name in names.into_iter().filter(|n| n.is_heap_allocated()) {
        // A panic while the set was held leaves it whole (an insert either happened or did not).
        let kept = kept.get_or_insert_with(|| KEPT.lock().unwrap_or_else(PoisonError::into_inner));
        if let Some(text) = kept.get_or_keep(name.as_str(), limit) {
            *name = SmolStr::new_static(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name` as [`share_all`] makes it, with at most `limit` bytes kept.
    fn shared_within(name: &SmolStr, limit: usize) -> SmolStr {
        let mut name = name.clone();
        share_all_within(std::iter::once(&mut name), limit);
        name
    }

    /// `name` as [`share_all`] makes it.
    fn shared(name: &SmolStr) -> SmolStr {
        shared_within(name, KEPT_BYTES)
    }

    #[test]
    fn a_long_name_is_kept_once_and_copied_without_a_count() {
        let long = SmolStr::new("a name of more than twenty-three bytes, as real ones are");
        assert!(long.is_heap_allocated());
        let shared_once = shared(&long);
        let shared_twice = shared(&SmolStr::new(long.as_str()));
        assert_eq!(shared_once, long);
        assert!(!shared_once.is_heap_allocated(), "a static text, not a counted one");
        // The same text, kept once.
        assert_eq!(shared_once.as_str().as_ptr(), shared_twice.as_str().as_ptr());
    }

    #[test]
    fn a_short_name_stays_inline() {
        let short = SmolStr::new("Flash 618");
        let kept_before = KEPT.lock().unwrap_or_else(PoisonError::into_inner).bytes;
        assert_eq!(shared(&short), short);
        assert!(!shared(&short).is_heap_allocated());
        // Nothing kept for it (another test may keep names meanwhile, never fewer).
        let kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(!kept.texts.contains("Flash 618"));
        assert!(kept.bytes >= kept_before);
    }

    #[test]
    fn a_ruleset_s_names_are_shared_together() {
        let long = "a ruleset's name of more than twenty-three bytes";
        let mut names = [SmolStr::new(long), SmolStr::new("Short"), SmolStr::new(long)];
        share_all(&mut names);
        assert_eq!(names, [long, "Short", long]);
        assert!(names.iter().all(|n| !n.is_heap_allocated()), "{names:?}");
        let [first, _, third] = &names;
        assert_eq!(first.as_str().as_ptr(), third.as_str().as_ptr(), "one text kept for both");
    }

    #[test]
    fn past_the_limit_a_name_is_shared_by_its_count() {
        let name = SmolStr::new("a long name that arrives once the limit is reached");
        // A limit already reached: the name comes back as it was given, counted, and equal.
        let back = shared_within(&name, 0);
        assert!(back.is_heap_allocated());
        assert_eq!(back, name);
        assert!(!KEPT.lock().unwrap_or_else(PoisonError::into_inner).texts.contains(name.as_str()));
    }
}
