//! A real browser on a product page: Debian's chromium, headless, driven over WebDriver by
//! chromedriver (`.ci/run` installs both and makes this test mandatory with
//! `PROMO_REQUIRE_CHROMIUM=1`). It sees the final price and a countdown that ticks, clicks
//! favourite and the call to purchase, and the dashboard then shows the view, the favourite and
//! the click under the page's entry point. The footer sits in the page's centred column.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod served;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use served::{request, request_within, start};

/// How long a WebDriver command may take: starting chromium while the other tests build and run
/// has taken more than 10 s on CI's two cores.
const WEBDRIVER_WAIT: Duration = Duration::from_secs(90);

/// The WebDriver element key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process with one headless chromium session.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Browser {
    /// Starts chromedriver and a session; `None` when chromium or chromedriver is not installed.
    fn start() -> Option<Browser> {
        let chromium =
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| Path::new(p).exists())?;
        let chromedriver =
            ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].into_iter().find(|p| Path::new(p).exists())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while request(&addr, "GET", "/status", "", false).is_none() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"]
            }
        }}});
        let (status, body) =
            request_within(WEBDRIVER_WAIT, &addr, "POST", "/session", &capabilities.to_string(), false)
                .expect("chromedriver answers POST /session (starting chromium) within 90 s");
        assert_eq!(status, 200, "no session: {body}");
        let session = serde_json::from_str::<Value>(&body).unwrap()["value"]["sessionId"].as_str().unwrap().to_owned();
        Some(Browser { driver, addr, session })
    }

    /// A WebDriver command on the session; its `value`.
    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = if method == "GET" { String::new() } else { body.to_string() };
        let (status, text) = request_within(WEBDRIVER_WAIT, &self.addr, method, &path, &body, false)
            .unwrap_or_else(|| panic!("chromedriver answers {method} {path} within 90 s"));
        assert_eq!(status, 200, "{method} {path}: {text}");
        serde_json::from_str::<Value>(&text).unwrap()["value"].clone()
    }

    fn go(&self, url: &str) {
        self.command("POST", "/url", json!({ "url": url }));
    }

    fn url(&self) -> String {
        self.command("GET", "/url", Value::Null).as_str().unwrap_or_default().to_owned()
    }

    fn find(&self, css: &str) -> String {
        let found = self.command("POST", "/element", json!({ "using": "css selector", "value": css }));
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {found}")).to_owned()
    }

    fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.command("GET", &format!("/element/{element}/text"), Value::Null).as_str().unwrap().to_owned()
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.command("POST", &format!("/element/{element}/click"), json!({}));
    }

    /// The element's left edge and width, in CSS pixels.
    fn left_and_width(&self, css: &str) -> (f64, f64) {
        let element = self.find(css);
        let rect = self.command("GET", &format!("/element/{element}/rect"), Value::Null);
        (rect["x"].as_f64().unwrap(), rect["width"].as_f64().unwrap())
    }

    fn displayed(&self, css: &str) -> bool {
        let element = self.find(css);
        self.command("GET", &format!("/element/{element}/displayed"), Value::Null).as_bool().unwrap_or(false)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = request(&self.addr, "DELETE", &format!("/session/{}", self.session), "", false);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `395d 17:00:00` → seconds.
fn seconds(countdown: &str) -> i64 {
    let (days, clock) = countdown.split_once("d ").unwrap_or(("0", countdown));
    let parts: Vec<i64> = clock.split(':').map(|p| p.parse().unwrap()).collect();
    days.parse::<i64>().unwrap() * 86_400 + parts[0] * 3600 + parts[1] * 60 + parts[2]
}

fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(15), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_shopper_sees_the_sale_favourites_it_and_clicks_buy() {
    let Some(browser) = Browser::start() else {
        assert!(
            std::env::var("PROMO_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "PROMO_REQUIRE_CHROMIUM=1 but chromium or chromedriver is missing"
        );
        eprintln!("skipped: install Debian's chromium and chromium-driver to run the browser test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut server, addr) = start(&format!("sqlite://{}", dir.path().join("host.db").display()));

    browser.go(&format!("http://{addr}/sales/FJ-NAMALE-6N?src=newsletter"));
    assert_eq!(browser.text("#final-price"), "12,900.00 USD");
    assert_eq!(browser.text("#original-price"), "15,400.00 USD");
    assert_eq!(browser.text("#stock"), "100 left");
    // The page is one centred column, narrower than the window, and the footer sits in it.
    let viewport = browser.command(
        "POST",
        "/execute/sync",
        json!({ "script": "return document.documentElement.clientWidth", "args": [] }),
    );
    let viewport = viewport.as_f64().unwrap();
    let (main_left, main_width) = browser.left_and_width("main");
    let right_margin = viewport - main_left - main_width;
    assert!(
        main_left > 0.0 && (main_left - right_margin).abs() <= 1.0,
        "main is centred: {main_left} | {main_width} | {right_margin}"
    );
    assert_eq!(browser.left_and_width("footer.bottom"), (main_left, main_width), "the footer sits in the column");
    // The server's clock says 2026-12-01 12:00 UTC; the sale ends 2028-01-01 05:00 UTC.
    let first = seconds(&browser.text("#countdown"));
    assert!((395 * 86_400 + 17 * 3600 - 3..=395 * 86_400 + 17 * 3600).contains(&first), "countdown at {first}");
    std::thread::sleep(Duration::from_millis(2200));
    let later = seconds(&browser.text("#countdown"));
    assert!((1..=4).contains(&(first - later)), "the countdown ticks: {first} then {later}");

    browser.click("#favourite");
    eventually("the favourite to be saved", || browser.displayed("#thanks"));
    browser.click("#buy");
    eventually("the provider's cart", || {
        browser.url().starts_with("https://travel.1800registry.example/cart?sku=FJ-NAMALE-6N")
    });

    let (status, dashboard) = request(&addr, "GET", "/dashboard", "", true).unwrap();
    assert_eq!(status, 200);
    let section = dashboard.split(r#"<section class="stats" data-sku="FJ-NAMALE-6N">"#).nth(1).unwrap();
    let row =
        section.split(r#"<tr class="entry" data-entry="newsletter">"#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.starts_with(r#"<td>newsletter</td><td class="views">1</td><td class="favourites">1</td><td class="shares">0</td><td class="clicks">1</td>"#), "{row}");
    server.kill().unwrap();
    server.wait().unwrap();
}
