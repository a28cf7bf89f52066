//! No oversell: 1,000 orders at once for a flash sale of 100 units, one per customer, from 500
//! customers who each try twice. Exactly 100 orders succeed, every other one is told the price
//! changed, and no customer gets more than one unit at the sale price — on SQLite and (when
//! `PROMO_TEST_POSTGRES` is set) PostgreSQL.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use sqlx::Row;
use support::{databases, get, host, post};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_orders_for_a_hundred_units() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (app, state) = host(&url).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..1000 {
            let app = app.clone();
            let customer = format!("c{}", i % 500);
            tasks.spawn(async move {
                let body = format!(
                    r#"{{"customer":{{"id":"{customer}"}},"lines":[{{"sku":"FJ-NAMALE-6N","quantity":1}}],"expected_total":"12900.00"}}"#
                );
                let reply = post(&app, "/api/v1/orders", &body).await;
                (customer, reply.status, reply.body)
            });
        }
        let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
        let mut won: BTreeMap<String, usize> = BTreeMap::new();
        while let Some(done) = tasks.join_next().await {
            let (customer, status, body) = done.unwrap();
            *by_status.entry(status.as_u16()).or_default() += 1;
            match status {
                StatusCode::CREATED => *won.entry(customer).or_default() += 1,
                StatusCode::CONFLICT => assert!(body.contains("price_changed"), "{body}"),
                other => panic!("{url}: unexpected {other}: {body}"),
            }
        }
        assert_eq!(by_status.get(&201), Some(&100), "{url}: {by_status:?}");
        assert_eq!(by_status.get(&409), Some(&900), "{url}: {by_status:?}");
        assert!(won.values().all(|&n| n == 1), "{url}: a customer won twice: {won:?}");

        // The database agrees: 100 sold, 100 orders at 12,900.00, no customer above the limit.
        let pool = state.store.pool();
        let sold: i64 =
            sqlx::query("SELECT sold FROM promotion_sales WHERE promotion = 'Namale resort winter flash sale'")
                .fetch_one(pool)
                .await
                .unwrap()
                .get(0);
        assert_eq!(sold, 100, "{url}");
        let orders: i64 =
            sqlx::query("SELECT COUNT(*) FROM orders WHERE total = '12900.00'").fetch_one(pool).await.unwrap().get(0);
        assert_eq!(orders, 100, "{url}");
        let over: i64 =
            sqlx::query("SELECT COUNT(*) FROM customer_usage WHERE used > 1").fetch_one(pool).await.unwrap().get(0);
        assert_eq!(over, 0, "{url}");
        let page = get(&app, "/sales/FJ-NAMALE-6N").await;
        assert!(page.body.contains(r#"<p class="stock" id="stock">Sold out</p>"#), "{}", page.body);
        assert!(page.body.contains(r#"<strong class="final" id="final-price">15,400.00 USD</strong>"#));
    }
}
