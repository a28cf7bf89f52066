//! `GET /dashboard` (managers): per sale — views, favourites, shares, purchase clicks, purchases,
//! conversion and average time on page — in total and by entry point, with a bar chart.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::render;
use crate::app::{AppState, unauthorized};
use crate::store::EntryStats;

/// One row of the dashboard's table.
#[derive(Debug, Serialize)]
struct Row {
    entry: String,
    views: u64,
    favourites: u64,
    shares: u64,
    clicks: u64,
    purchases: u64,
    conversion: String,
    average_time: String,
}

/// One bar of a sale's chart.
#[derive(Debug, Serialize)]
struct Bar {
    label: &'static str,
    value: u64,
    /// Width in percent of the widest bar of the dashboard.
    width: f64,
    y: u32,
}

#[derive(Debug, Serialize)]
struct SaleRows {
    sku: String,
    name: String,
    total: Row,
    entries: Vec<Row>,
    bars: Vec<Bar>,
}

fn row(entry: &str, s: &EntryStats) -> Row {
    Row {
        entry: entry.to_owned(),
        views: s.views,
        favourites: s.favourites,
        shares: s.shares,
        clicks: s.clicks,
        purchases: s.purchases,
        conversion: s.conversion().map_or_else(|| "–".to_owned(), |c| format!("{c:.1}%")),
        average_time: s.average_seconds().map_or_else(|| "–".to_owned(), |t| format!("{}:{:02}", t / 60, t % 60)),
    }
}

/// The dashboard.
pub async fn dashboard(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if !app.auth.allows(&headers) {
        return unauthorized();
    }
    let stats = match app.store.stats().await {
        Ok(s) => s,
        Err(e) => return crate::api::ApiError::internal(e).into_response(),
    };
    let loaded = app.shop.current();
    let widest = stats
        .values()
        .map(|s| s.total.views.max(s.total.favourites).max(s.total.shares).max(s.total.clicks).max(s.total.purchases))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut sales = Vec::new();
    // Every product of the catalog, with or without figures yet; then sales no longer listed.
    let mut skus: Vec<String> = loaded.catalog.products().map(|p| p.sku.clone()).collect();
    skus.extend(stats.keys().filter(|k| loaded.catalog.product(k).is_none()).cloned());
    for sku in skus {
        let figures = stats.get(&sku).cloned().unwrap_or_default();
        let t = &figures.total;
        let bars = [
            ("views", t.views),
            ("favourites", t.favourites),
            ("shares", t.shares),
            ("clicks", t.clicks),
            ("purchases", t.purchases),
        ]
        .into_iter()
        .zip(0u32..)
        .map(|((label, value), i)| Bar { label, value, width: value as f64 * 100.0 / widest as f64, y: i * 22 })
        .collect();
        sales.push(SaleRows {
            name: loaded.catalog.product(&sku).map_or_else(|| sku.clone(), |p| p.name.clone()),
            total: row("all", t),
            entries: figures.by_entry.iter().map(|(e, s)| row(e, s)).collect(),
            bars,
            sku,
        });
    }
    render(&app, "dashboard.html", minijinja::context! { sales => sales })
}
