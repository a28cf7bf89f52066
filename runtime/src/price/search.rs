//! The best combination (spec/evaluation.md §5): promotions that share no line are searched
//! separately; within a component, branch and bound over include/exclude, bounded by each
//! promotion's stand-alone gain, evaluating at most [`SEARCH_BUDGET`] complete combinations.

use rust_decimal::Decimal;

use super::Pricing;
use super::evaluate::Evaluation;
use super::stacking::conflicts;

/// Complete combinations evaluated at most for each group of promotions that share lines; past it
/// the best found is used and the outcome says the search was not complete.
pub const SEARCH_BUDGET: u64 = 4096;

/// Each available promotion evaluated alone, by index.
pub(crate) type Alone = std::collections::HashMap<usize, Evaluation>;

/// The chosen promotions and how the search went.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub set: Vec<usize>,
    pub evaluated: u64,
    pub complete: bool,
}

struct Component {
    /// Promotion indices, best stand-alone gain first.
    members: Vec<usize>,
}

impl Pricing<'_> {
    fn shares_line(&self, i: usize, j: usize) -> bool {
        // INVARIANT: `lines` are ascending (built in cart order), so a merge finds a common one.
        let (Some(a), Some(b)) = (self.avail(i), self.avail(j)) else { return false };
        let (mut x, mut y) = (a.lines.iter().peekable(), b.lines.iter().peekable());
        while let (Some(&&p), Some(&&q)) = (x.peek(), y.peek()) {
            match p.cmp(&q) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => {
                    x.next();
                }
                std::cmp::Ordering::Greater => {
                    y.next();
                }
            }
        }
        false
    }

    /// Whether `i` and `j` cannot both apply.
    pub(crate) fn clash(&self, i: usize, j: usize) -> bool {
        self.shares_line(i, j) && conflicts(self.ruleset, i, j)
    }

    /// The best set containing `forced` (those that are available and do not clash with an
    /// earlier forced one).
    pub(crate) fn best(&self, forced: &[usize], alone: &Alone) -> Choice {
        let gain = |i: usize| alone.get(&i).map_or((Decimal::ZERO, Decimal::ZERO), Evaluation::value);
        let useful: Vec<usize> = self
            .relevant
            .iter()
            .copied()
            .filter(|&i| self.avail(i).is_some_and(|a| a.unavailable.is_none() && !a.lines.is_empty()))
            .filter(|&i| {
                alone
                    .get(&i)
                    .is_some_and(|e| e.results.iter().any(|r| r.groups.iter().any(|(_, g)| g.gives_anything())))
            })
            .collect();
        let mut forced_ok: Vec<usize> = Vec::new();
        for &f in forced {
            if useful.contains(&f) && !forced_ok.iter().any(|&g| self.clash(f, g)) {
                forced_ok.push(f);
            }
        }
        // Components: promotions connected by shared lines (union-find over each line's list).
        let mut parent: Vec<usize> = (0..useful.len()).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while let Some(&p) = parent.get(x) {
                if p == x {
                    break;
                }
                x = p;
            }
            x
        }
        let mut on_line: Vec<Vec<usize>> = vec![Vec::new(); self.by_line.len()];
        for (k, &i) in useful.iter().enumerate() {
            for &l in self.avail(i).map_or(&[][..], |a| a.lines.as_slice()) {
                if let Some(list) = on_line.get_mut(l) {
                    list.push(k);
                }
            }
        }
        for list in &on_line {
            for pair in list.windows(2) {
                if let [a, b] = pair {
                    let (ra, rb) = (root(&mut parent, *a), root(&mut parent, *b));
                    if let Some(slot) = parent.get_mut(ra.max(rb)) {
                        *slot = ra.min(rb);
                    }
                }
            }
        }
        let mut components: Vec<Component> = Vec::new();
        let mut roots: Vec<usize> = Vec::new();
        for a in 0..useful.len() {
            let r = root(&mut parent, a);
            let Some(&i) = useful.get(a) else { continue };
            match roots.iter().position(|&x| x == r) {
                Some(c) => {
                    if let Some(comp) = components.get_mut(c) {
                        comp.members.push(i);
                    }
                }
                None => {
                    roots.push(r);
                    components.push(Component { members: vec![i] });
                }
            }
        }
        let mut choice = Choice { set: Vec::new(), evaluated: 0, complete: true };
        for mut comp in components {
            // Forced first, then by stand-alone gain (best first), then source order.
            comp.members.sort_by(|&a, &b| {
                forced_ok.contains(&b).cmp(&forced_ok.contains(&a)).then(gain(b).cmp(&gain(a))).then(a.cmp(&b))
            });
            let clash: Vec<Vec<bool>> =
                comp.members.iter().map(|&a| comp.members.iter().map(|&b| self.clash(a, b)).collect()).collect();
            let mut search = Search {
                pricing: self,
                members: &comp.members,
                clash,
                forced: &forced_ok,
                gains: comp.members.iter().map(|&i| gain(i)).collect(),
                best: None,
                evaluated: 0,
                budget: SEARCH_BUDGET,
            };
            let mut chosen = Vec::new();
            search.visit(0, &mut chosen);
            choice.evaluated += search.evaluated;
            if search.evaluated >= search.budget {
                choice.complete = false;
            }
            if let Some((_, set)) = search.best {
                choice.set.extend(set);
            }
        }
        choice.set.sort_unstable();
        choice
    }
}

struct Search<'s, 'p> {
    pricing: &'s Pricing<'p>,
    members: &'s [usize],
    /// Whether members (by position) clash.
    clash: Vec<Vec<bool>>,
    forced: &'s [usize],
    gains: Vec<(Decimal, Decimal)>,
    best: Option<((Decimal, Decimal), Vec<usize>)>,
    evaluated: u64,
    budget: u64,
}

impl Search<'_, '_> {
    fn clashes(&self, pos: usize, chosen: &[usize]) -> bool {
        let row = self.clash.get(pos);
        chosen.iter().any(|&c| row.and_then(|r| r.get(c)).copied().unwrap_or(false))
    }

    /// `chosen` holds positions in `members`.
    fn visit(&mut self, k: usize, chosen: &mut Vec<usize>) {
        if self.evaluated >= self.budget {
            return;
        }
        // Upper bound: what is chosen plus every compatible undecided promotion, each at its
        // stand-alone gain (a promotion never gains more beside others than alone).
        let mut bound = (Decimal::ZERO, Decimal::ZERO);
        for pos in 0..self.members.len() {
            let compatible = !self.clashes(pos, chosen);
            if (chosen.contains(&pos) || (pos >= k && compatible))
                && let Some(g) = self.gains.get(pos)
            {
                bound = (bound.0 + g.0, bound.1 + g.1);
            }
        }
        if let Some((best, _)) = &self.best
            && bound <= *best
        {
            return;
        }
        let Some(&i) = self.members.get(k) else {
            self.evaluated += 1;
            let set: Vec<usize> = chosen.iter().filter_map(|&pos| self.members.get(pos).copied()).collect();
            let value = self.pricing.evaluate(&set).value();
            if self.best.as_ref().is_none_or(|(b, _)| value > *b) {
                self.best = Some((value, set));
            }
            return;
        };
        let compatible = !self.clashes(k, chosen);
        if compatible {
            chosen.push(k);
            self.visit(k + 1, chosen);
            chosen.pop();
        }
        if !self.forced.contains(&i) || !compatible {
            self.visit(k + 1, chosen);
        }
    }
}
