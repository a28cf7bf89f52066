//! Lists kept per cart line — the promotions whose scope holds on each line, the discounts each
//! line was given — stored one after another in one allocation, with where each line's list
//! starts, instead of a vector per line (a cart of 200 lines would allocate 200 of them on every
//! pricing).

/// Per cart line, a list of `T`, in the order the entries were given.
// INVARIANT: `starts` has one more entry than there are lines, ascending, its last entry
// `items.len()`; line `l`'s list is `items[starts[l]..starts[l + 1]]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct PerLine<T> {
    starts: Vec<usize>,
    items: Vec<T>,
}

impl<T: Copy + Default> PerLine<T> {
    /// The lists of a cart of `lines` lines holding `entries` — (line, item) pairs, read twice:
    /// once to size each list, once to fill it. An entry naming no line of the cart is dropped.
    pub fn build<I>(lines: usize, entries: I) -> PerLine<T>
    where
        I: Iterator<Item = (usize, T)> + Clone,
    {
        // Each line's count, stored one place up so that a running sum makes them starts.
        // Read by `for_each` (internal iteration): a flattened iterator runs its inner loops
        // directly, where stepping it one entry at a time re-checks its state on every entry.
        let mut starts = vec![0usize; lines + 1];
        entries.clone().for_each(|(l, _)| {
            if let Some(count) = starts.get_mut(l + 1).filter(|_| l < lines) {
                *count += 1;
            }
        });
        for k in 1..starts.len() {
            let before = starts.get(k - 1).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(k) {
                *start += before;
            }
        }
        let mut items = vec![T::default(); starts.last().copied().unwrap_or(0)];
        // Where the next item of each line goes.
        let mut next = starts.clone();
        entries.for_each(|(l, item)| {
            if let Some(at) = next.get_mut(l).filter(|_| l < lines)
                && let Some(slot) = items.get_mut(*at)
            {
                *slot = item;
                *at += 1;
            }
        });
        PerLine { starts, items }
    }
}

impl<T> PerLine<T> {
    /// The list of line `l` (empty for a line the cart does not have).
    pub fn get(&self, l: usize) -> &[T] {
        match (self.starts.get(l), self.starts.get(l + 1)) {
            (Some(&from), Some(&to)) => self.items.get(from..to).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The number of lines.
    pub fn lines(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::PerLine;

    #[test]
    fn each_line_lists_its_entries_in_the_order_given() {
        let per_line = PerLine::build(4, [(2, 'a'), (0, 'b'), (2, 'c'), (9, 'x'), (3, 'd')].into_iter());
        assert_eq!(per_line.lines(), 4);
        assert_eq!(per_line.get(0), &['b']);
        assert_eq!(per_line.get(1), &[] as &[char]);
        assert_eq!(per_line.get(2), &['a', 'c']);
        assert_eq!(per_line.get(3), &['d']);
        // A line the cart does not have lists nothing; the entry naming line 9 was dropped.
        assert_eq!(per_line.get(4), &[] as &[char]);
        assert_eq!(per_line.get(9), &[] as &[char]);
    }

    #[test]
    fn a_cart_without_lines_lists_nothing() {
        let per_line: PerLine<usize> = PerLine::build(0, [(0, 1)].into_iter());
        assert_eq!(per_line.lines(), 0);
        assert_eq!(per_line.get(0), &[] as &[usize]);
    }
}
