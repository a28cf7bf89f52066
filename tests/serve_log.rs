//! `promo serve`'s log is for the people running it: the compiler's incremental database, which
//! reports every query it runs at INFO, stays out of it, and a log written to a file carries no
//! terminal colour codes.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod served;

use std::io::Read;
use std::process::Stdio;

use served::{request, start_with_log};

#[test]
fn the_log_has_no_compiler_queries_and_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("host.db").display());
    let (mut server, addr) = start_with_log(&database, Stdio::piped());
    // The ruleset was checked and compiled before the address was printed; a page is served.
    let (status, page) = request(&addr, "GET", "/", "", false).expect("the sales page answers");
    assert_eq!(status, 200, "{page}");
    server.kill().unwrap();
    server.wait().unwrap();
    let mut log = String::new();
    server.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(!log.contains("salsa"), "the compiler's queries are in the log:\n{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a log that is not a terminal:\n{log}");
}
