//! Shared by the tests that run `promo serve` as a process: starting it on the example store, and
//! a small HTTP/1.1 client (no client library: a request is a few lines of text).

// A failing test panics: that is how it reports.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The manager password the served host is given.
pub const PASSWORD: &str = "crash-test";

/// Starts `promo serve` on the example store with `database`; returns it and its address.
pub fn start(database: &str) -> (Child, String) {
    start_with_log(database, Stdio::null())
}

/// [`start`], its log (stderr) going to `log`.
pub fn start_with_log(database: &str, log: Stdio) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_promo"))
        .args(["serve", "examples/smp-flash-sale", "--addr", "127.0.0.1:0", "--database", database])
        .args(["--manager-password", PASSWORD, "--at", "2026-12-01T12:00:00Z"])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("promo serve starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("the server prints its address").unwrap();
        if let Some(rest) = line.trim().strip_prefix("sales:") {
            break rest.trim().trim_start_matches("http://").trim_end_matches('/').to_owned();
        }
    };
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// One HTTP/1.1 request; the status and body, or `None` when the connection failed or no answer
/// came within 10 s.
pub fn request(addr: &str, method: &str, path: &str, body: &str, auth: bool) -> Option<(u16, String)> {
    request_within(Duration::from_secs(10), addr, method, path, body, auth)
}

/// [`request`] waiting up to `wait` for the answer: a browser starting, or loading a page, on a
/// machine busy with the other tests can take longer than a served page.
pub fn request_within(
    wait: Duration,
    addr: &str,
    method: &str,
    path: &str,
    body: &str,
    auth: bool,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(wait)).ok()?;
    let auth = if auth {
        use base64::Engine as _;
        format!(
            "Authorization: Basic {}\r\n",
            base64::engine::general_purpose::STANDARD.encode(format!("manager:{PASSWORD}"))
        )
    } else {
        String::new()
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    // Read the head, then exactly Content-Length bytes (some servers keep the connection open).
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).ok()?;
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let mut length: Option<usize> = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let mut bytes = Vec::new();
    match length {
        Some(n) => {
            bytes.resize(n, 0);
            reader.read_exact(&mut bytes).ok()?;
        }
        None => {
            reader.read_to_end(&mut bytes).ok()?;
        }
    }
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Some((status, body))
}
