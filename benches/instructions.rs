//! Prices one of the pricing benchmarks' carts in a loop, for counting instructions under
//! callgrind: counts, unlike times, do not vary with the host, so rounds of work on the pricing
//! core are compared by them (README, Speed). `bash benches/count.sh` builds this, runs it under
//! valgrind and prints the instructions per pricing.
//!
//! `instructions [20|200|200-long|200-flash|200-store|200-upcoming|100k] [ITERATIONS]` — the 20-line cart against 2
//! promotions, the 200-line cart against 1,000 (`200-long`: the same promotions named as real
//! ones are, some 50 bytes; `200-flash`: named so, and each with a window, a per-customer limit
//! and stock, as flash sales have; `200-store`: those flash sales priced with the state a
//! storefront keeps, the stock left of each and the customer's units under every tenth;
//! `200-upcoming`: those flash sales priced before their windows, scheduled, not started), or
//! the same against 100,000 of which 99,000 never match,
//! priced ITERATIONS times after a first (the thread's first pricing, neither timed nor counted).
//!
//! `instructions [storefront-twice|storefront-once] [ITERATIONS]` — a storefront's request: the
//! names of the state a 20-line cart needs, then its pricing with that state, against the 1,000
//! flash sales of `200-store`: `twice` by `Prepared::state_needed` and `price_prepared`, which
//! check and bind the cart each, `once` by `Prepared::check`, then the checked cart's
//! `state_needed` and `price`; the state is what the store returns, the entries of the names
//! alone. Counted whole, each request with its outcome dropped, ITERATIONS + 1 requests (the
//! first is made before the timed loop, through the same function):
//! `valgrind --tool=callgrind --toggle-collect='instructions::served*' BINARY storefront-once 100`.
//! Run by `cargo bench` (which passes `--bench`), it prices each case once after a first and says
//! so.

// A benchmark that cannot set up panics: nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

mod workload;

use promo::runtime::input::{Cart, Customer, State};
use promo::runtime::{Prepared, price_prepared};
use promo::scenario::compile_text;
use workload::{BEFORE_THE_WINDOWS, IN_THE_WINDOWS, Limits, Names, cart, returned_for, ruleset_text, storefront_state};

/// The allocator the `promo` binary runs with, as in `pricing.rs`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A case: its ruleset (promotions that match, promotions that never do, their names and
/// limits), its cart's lines, whether it is priced with a storefront's state (else none), and
/// when it is priced.
struct Case {
    promotions: usize,
    dead: usize,
    names: Names,
    limits: Limits,
    lines: usize,
    stored: bool,
    at: i64,
}

fn case(name: &str) -> Option<Case> {
    let plain = |promotions, dead, lines| Case {
        promotions,
        dead,
        names: Names::Short,
        limits: Limits::None,
        lines,
        stored: false,
        // Within the flash sales' windows (the others have none).
        at: IN_THE_WINDOWS,
    };
    let flash = Case { names: Names::Long, limits: Limits::FlashSale, ..plain(1_000, 0, 200) };
    match name {
        "20" => Some(plain(2, 0, 20)),
        "200" => Some(plain(1_000, 0, 200)),
        "200-long" => Some(Case { names: Names::Long, ..plain(1_000, 0, 200) }),
        "200-flash" => Some(flash),
        "200-store" => Some(Case { stored: true, ..flash }),
        "200-upcoming" => Some(Case { at: BEFORE_THE_WINDOWS, ..flash }),
        "100k" => Some(plain(1_000, 99_000, 200)),
        _ => None,
    }
}

/// How a storefront asks for the state a cart needs and prices it.
#[derive(Clone, Copy)]
enum Request {
    /// `Prepared::state_needed`, then `price_prepared`: the cart checked and bound twice.
    Twice,
    /// `Prepared::check`, then the checked cart's `state_needed` and `price`: once.
    Once,
}

/// Runs a storefront's request for a 20-line cart (`storefront-twice`, `storefront-once`)
/// `iterations` times and prints the time per request.
fn serve(request: Request, iterations: u32) {
    let prepared = Prepared::new(compile_text(&ruleset_text(1_000, 0, Names::Long, Limits::FlashSale)).unwrap());
    let (cart, customer) = (cart(20), Customer::default());
    // What the store returns: the entries of the promotions the cart needs, not all 1,000.
    let needed = prepared.state_needed(&cart, &customer).unwrap();
    let state = returned_for(&storefront_state(1_000, Names::Long), &needed);
    served(&prepared, &cart, &customer, &state, request, 1);
    let started = Instant::now();
    served(&prepared, &cart, &customer, &state, request, iterations);
    println!("storefront: {iterations} requests, {:?} each", started.elapsed() / iterations.max(1));
}

/// Runs `request` `iterations` times: what `--toggle-collect='instructions::served*'` counts.
#[inline(never)]
fn served(prepared: &Prepared, cart: &Cart, customer: &Customer, state: &State, request: Request, iterations: u32) {
    for _ in 0..iterations {
        match request {
            Request::Twice => {
                black_box(prepared.state_needed(black_box(cart), customer).unwrap());
                black_box(price_prepared(black_box(prepared), cart, customer, state, IN_THE_WINDOWS).unwrap());
            }
            Request::Once => {
                let checked = prepared.check(black_box(cart), customer).unwrap();
                black_box(checked.state_needed());
                black_box(checked.price(state, IN_THE_WINDOWS));
            }
        }
    }
}

/// Prices case `name` `iterations` times and prints the time per pricing. Callgrind counts only
/// inside `price_prepared` (`--toggle-collect`), so setting up is not counted.
fn run(name: &str, iterations: u32) {
    let request = match name {
        "storefront-twice" => Some(Request::Twice),
        "storefront-once" => Some(Request::Once),
        _ => None,
    };
    if let Some(request) = request {
        return serve(request, iterations);
    }
    let Some(Case { promotions, dead, names, limits, lines, stored, at }) = case(name) else {
        eprintln!(
            "unknown case `{name}`: expected 20, 200, 200-long, 200-flash, 200-store, 200-upcoming, 100k, \
             storefront-twice or storefront-once"
        );
        std::process::exit(2);
    };
    let prepared = Prepared::new(compile_text(&ruleset_text(promotions, dead, names, limits)).unwrap());
    let cart = cart(lines);
    let customer = Customer::default();
    let state = if stored { storefront_state(promotions, names) } else { State::default() };
    // The thread's first pricing makes the lists later ones reuse: made before the loop, so the
    // loop's pricings are steady ones, and `count.sh` counts only those (callgrind zeroes its
    // counts as `priced` is entered).
    black_box(price_prepared(&prepared, &cart, &customer, &state, at).unwrap());
    let started = Instant::now();
    priced(&prepared, &cart, &customer, &state, at, iterations);
    println!("{name}: {iterations} pricings, {:?} each", started.elapsed() / iterations.max(1));
}

/// Prices `cart` `iterations` times: the pricings `count.sh` counts (`--zero-before` this
/// function), and `compare.sh` times.
#[inline(never)]
fn priced(prepared: &Prepared, cart: &Cart, customer: &Customer, state: &State, at: i64, iterations: u32) {
    for _ in 0..iterations {
        black_box(price_prepared(black_box(prepared), black_box(cart), customer, state, at).unwrap());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    match args.as_slice() {
        // `cargo bench`: a quick pass over every case, so the loop is known to run.
        [] => {
            for name in [
                "20",
                "200",
                "200-long",
                "200-flash",
                "200-store",
                "200-upcoming",
                "100k",
                "storefront-twice",
                "storefront-once",
            ] {
                run(name, 1);
            }
            println!("instruction counts: bash benches/count.sh (needs valgrind)");
        }
        [name] => run(name, 10),
        [name, iterations, ..] => match iterations.parse() {
            Ok(n) => run(name, n),
            Err(_) => {
                eprintln!("ITERATIONS must be a whole number, found `{iterations}`");
                std::process::exit(2);
            }
        },
    }
}
