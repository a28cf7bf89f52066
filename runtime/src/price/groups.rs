//! The groups a promotion measures on a cart (spec/evaluation.md §2): each product at item level
//! (a bundle is one product), each merchant at store level, one group otherwise; a store's own
//! promotion measures only that store's lines.

use super::Pricing;
use super::available::Availability;
use crate::ir::{Benefit, Level, Promotion};

/// The groups of the promotion being evaluated: their lines one after another, each group's in
/// cart order, and where each group ends. One flat list, refilled for every promotion, instead
/// of a small vector per group moved in and out of a small vector of groups.
// INVARIANT: `ends` is ascending, its last entry is `lines.len()`, and no group is empty.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    lines: Vec<usize>,
    ends: Vec<usize>,
    /// Scratch for grouping by key: per line grouped, its group.
    of_line: Vec<usize>,
    /// Scratch for grouping by key: per group, its first line (whose key is the group's).
    firsts: Vec<usize>,
}

impl Groups {
    /// Each group's lines, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[usize]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let group = self.lines.get(start..end).unwrap_or(&[]);
            start = end;
            group
        })
    }

    fn clear(&mut self) {
        self.lines.clear();
        self.ends.clear();
    }

    /// Ends the group made of the lines pushed since the last one ended, if there are any.
    fn end_group(&mut self) {
        if self.lines.len() > self.ends.last().copied().unwrap_or(0) {
            self.ends.push(self.lines.len());
        }
    }

    /// `lines` grouped by `key`: lines with equal keys are one group, groups in the order of
    /// their first lines, each group's lines in the order given.
    fn group_by<K: PartialEq>(&mut self, lines: &[usize], key: impl Fn(usize) -> K) {
        // Two lines (the usual group of lines): one group, or each its own.
        if let &[a, b] = lines {
            self.lines.push(a);
            if key(a) != key(b) {
                self.end_group();
            }
            self.lines.push(b);
            self.end_group();
            return;
        }
        // A group's key is its first line's: no list of keys beside the groups.
        self.of_line.clear();
        self.firsts.clear();
        for &l in lines {
            let k = key(l);
            let group = match self.firsts.iter().position(|&f| key(f) == k) {
                Some(group) => group,
                None => {
                    self.firsts.push(l);
                    self.firsts.len() - 1
                }
            };
            self.of_line.push(group);
        }
        // Every line its own group (each product its own line, nearly always), or one group:
        // the lines as given.
        if self.firsts.len() == lines.len() {
            for &l in lines {
                self.lines.push(l);
                self.end_group();
            }
            return;
        }
        if self.firsts.len() == 1 {
            // Line by line: a copy of a few is no call to copy memory.
            lines.iter().for_each(|&l| self.lines.push(l));
            self.end_group();
            return;
        }
        for group in 0..self.firsts.len() {
            let members = lines.iter().zip(&self.of_line).filter(|&(_, &g)| g == group).map(|(&l, _)| l);
            self.lines.extend(members);
            self.end_group();
        }
    }
}

impl Pricing<'_> {
    /// The groups promotion `p` measures on its available lines `a` (spec §2), in cart order,
    /// into `groups` (emptied first).
    pub(super) fn groups(&self, p: &Promotion, a: &Availability, groups: &mut Groups) {
        groups.clear();
        // Whether the promotion measures line `l`: only a store's own promotion leaves lines out.
        let measures = |l: usize| match (p.level, p.store) {
            (Level::Store, Some(store)) => self.merchant(l) == Some(self.ruleset.symbol(store)),
            _ => true,
        };
        let lines = a.lines();
        // One line is one group, when the promotion measures it.
        if let &[l] = lines {
            if measures(l) {
                groups.lines.push(l);
                groups.end_group();
            }
            return;
        }
        // A bundle is one (virtual) product: at item level, all its lines are one group.
        let bundle = || p.benefits.iter().any(|b| matches!(b, Benefit::Bundle { .. }));
        match (p.level, p.store) {
            // Each product its own group (a bundle is one product).
            (Level::Item, _) if !bundle() => groups.group_by(lines, |l| self.skus.get(l).copied().unwrap_or("")),
            // Each merchant its own group (no merchant is the merchant "").
            (Level::Store, None) => {
                let merchants = self.merchants();
                groups.group_by(lines, |l| merchants.get(l).copied().flatten().unwrap_or(""));
            }
            // One group of every line measured.
            _ => {
                groups.lines.extend(lines.iter().copied().filter(|&l| measures(l)));
                groups.end_group();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Groups;

    fn grouped(lines: &[usize], key: impl Fn(usize) -> char) -> Vec<Vec<usize>> {
        let mut groups = Groups::default();
        groups.group_by(lines, key);
        assert_eq!(groups.ends.len(), groups.iter().count());
        groups.iter().map(<[usize]>::to_vec).collect()
    }

    #[test]
    fn lines_are_grouped_by_key_in_order_of_their_first_lines() {
        let key = |l: usize| ['a', 'b', 'a', 'c', 'b', 'a'][l];
        assert_eq!(grouped(&[0, 1, 2, 3, 4, 5], key), [vec![0, 2, 5], vec![1, 4], vec![3]]);
        // Every line its own group, and one group of all.
        assert_eq!(grouped(&[0, 1, 3], key), [vec![0], vec![1], vec![3]]);
        assert_eq!(grouped(&[0, 2, 5], key), [vec![0, 2, 5]]);
        assert_eq!(grouped(&[], key), Vec::<Vec<usize>>::new());
        // Refilled: what was grouped before is gone.
        let mut groups = Groups::default();
        groups.group_by(&[0, 1, 2], key);
        groups.clear();
        groups.group_by(&[4, 1], key);
        assert_eq!(groups.iter().map(<[usize]>::to_vec).collect::<Vec<_>>(), [vec![4, 1]]);
    }
}
