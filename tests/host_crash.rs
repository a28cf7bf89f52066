//! The host killed with SIGKILL in the middle of traffic loses nothing it acknowledged: every order
//! answered 201 and every event answered 204 is there when it starts again on the same database.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod served;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use served::{request, start};

#[test]
fn sigkill_mid_traffic_loses_no_acknowledged_order_or_event() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("host.db").display());
    let (mut server, addr) = start(&database);

    let orders: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let events = Arc::new(Mutex::new(0u64));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..6)
        .map(|w| {
            let (addr, orders, events, stop) = (addr.clone(), Arc::clone(&orders), Arc::clone(&events), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let customer = format!("w{w}-{i}");
                    let order = format!(r#"{{"customer":{{"id":"{customer}"}},"lines":[{{"sku":"SPA-DAY","quantity":1}}],"src":"landing"}}"#);
                    match request(&addr, "POST", "/api/v1/orders", &order, false) {
                        Some((201, body)) => {
                            let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["order"].as_i64().unwrap();
                            orders.lock().unwrap().push((id, customer));
                        }
                        Some((status, body)) => panic!("order answered {status}: {body}"),
                        None => {}
                    }
                    let event = format!(r#"{{"sku":"SPA-DAY","kind":"favourite","src":"landing","visitor":"w{w}"}}"#);
                    if let Some((204, _)) = request(&addr, "POST", "/api/v1/events", &event, false) {
                        *events.lock().unwrap() += 1;
                    }
                }
            })
        })
        .collect();

    // Let traffic build up, then kill the server without warning.
    let started = Instant::now();
    while orders.lock().unwrap().len() < 60 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let orders = orders.lock().unwrap().clone();
    let events = *events.lock().unwrap();
    assert!(orders.len() >= 60, "traffic flowed before the kill: {} orders", orders.len());

    let (mut again, addr) = start(&database);
    for (id, customer) in &orders {
        let (status, body) = request(&addr, "GET", &format!("/api/v1/orders/{id}"), "", true).expect("restarted");
        assert_eq!(status, 200, "acknowledged order {id} lost: {body}");
        let stored: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(stored["customer"], customer.as_str());
        assert_eq!(stored["snapshot"]["outcome"]["total"], "200.00");
    }
    let (_, stats) = request(&addr, "GET", "/api/v1/stats", "", true).unwrap();
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    let spa = stats["sales"].as_array().unwrap().iter().find(|s| s["sku"] == "SPA-DAY").unwrap();
    let stored_events = spa["by_entry"]["landing"]["favourites"].as_u64().unwrap();
    assert!(stored_events >= events, "{events} events acknowledged, {stored_events} stored");
    let purchases = spa["by_entry"]["landing"]["purchases"].as_u64().unwrap();
    assert!(purchases >= orders.len() as u64, "{} orders acknowledged, {purchases} stored", orders.len());
    // And it serves on.
    assert_eq!(request(&addr, "GET", "/sales/SPA-DAY", "", false).unwrap().0, 200);
    again.kill().unwrap();
    again.wait().unwrap();
}
