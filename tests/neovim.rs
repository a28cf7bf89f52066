//! A real editor as the client: Neovim, headless, opens a file with an error, receives the
//! server's diagnostic, formats the file through the server and saves it.
//!
//! Needs `nvim` (Debian's `neovim`; `.ci/run` installs it and sets `PROMO_REQUIRE_NVIM=1`, so in
//! CI the test cannot be skipped). Elsewhere, without `nvim`, it says so and does nothing.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCHEMA: &str = "schema {\n  product {\n    brand: text\n  }\n}\n\nsettings {\n  currency USD\n}\n";

#[test]
fn neovim_shows_the_diagnostic_and_formats_the_file() {
    let available = Command::new("nvim").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    if !available {
        assert!(std::env::var_os("PROMO_REQUIRE_NVIM").is_none(), "nvim is required here but not installed");
        eprintln!("skipped: nvim is not installed (apt-get install neovim; .ci/run does)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.promo"), SCHEMA).unwrap();
    let file = dir.path().join("promotions.promo");
    let text = "promotion \"Acme 10%\" { level item scope brnd == \"Acme\"   // the brand\ndiscount 10% }\n";
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("report.txt");
    let mut nvim = Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", support::root().join("tests/editors/neovim.lua").display()))
        .env("PROMO_BIN", env!("CARGO_BIN_EXE_promo"))
        .env("PROMO_FILE", &file)
        .env("PROMO_OUT", &out)
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while nvim.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            nvim.kill().unwrap();
            panic!("nvim did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let report = std::fs::read_to_string(&out).unwrap();
    assert!(report.contains("diagnostics true"), "{report}");
    assert!(report.contains("diagnostic 0:40 unknown product attribute `brnd`"), "{report}");
    assert!(report.contains("did you mean `brand`?"), "{report}");
    assert!(report.contains("formatted") && !report.contains("error"), "{report}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "promotion \"Acme 10%\" {\n  level item\n  scope brnd == \"Acme\"  // the brand\n  discount 10%\n}\n",
        "formatted by the server, comment kept"
    );
}
