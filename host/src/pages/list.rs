//! `GET /`: every sale, the one with the highest label priority first (then the cheapest), with
//! its labels, price and countdown; `GET /promotions/{name}`: the products a promotion runs on.
//! `?q=` searches names and descriptions; `?sort=price` or `?sort=-price` orders by final price.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::product::{SaleView, sale_view};
use super::render;
use crate::app::AppState;
use crate::store::Entries;

/// The list's query.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Words to find in a sale's name or description.
    #[serde(default)]
    pub q: Option<String>,
    /// `price` (cheapest first), `-price` (dearest first); by label priority otherwise.
    #[serde(default)]
    pub sort: Option<String>,
}

/// The list of sales.
pub async fn list(State(app): State<AppState>, Query(query): Query<ListQuery>) -> Response {
    sales(&app, query, None).await
}

/// A promotion's page: the products it runs on now.
pub async fn promotion(
    State(app): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    if app.shop.current().prepared.promotion_named(&name).is_none() {
        return super::not_found(State(app)).await;
    }
    sales(&app, query, Some(name)).await
}

async fn sales(app: &AppState, query: ListQuery, promotion: Option<String>) -> Response {
    let loaded = app.shop.current();
    // The list shows every sale: every promotion's counters.
    let state = match app.store.state(&loaded.prepared, None, Entries::All).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "state unavailable");
            return (StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable; try again\n").into_response();
        }
    };
    let now = app.clock.now();
    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    let mut sales: Vec<SaleView> = loaded
        .catalog
        .products()
        .filter(|p| {
            needle.as_ref().is_none_or(|n| {
                p.name.to_lowercase().contains(n.as_str()) || p.description.to_lowercase().contains(n.as_str())
            })
        })
        .filter_map(|p| sale_view(&loaded, p, &state, now))
        .filter(|s| promotion.as_ref().is_none_or(|name| s.promotions.contains(name)))
        .collect();
    match query.sort.as_deref() {
        Some("price") => sales.sort_by_key(|s| s.final_price),
        Some("-price") => sales.sort_by_key(|s| std::cmp::Reverse(s.final_price)),
        _ => sales.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.final_price.cmp(&b.final_price))),
    }
    let action = promotion.as_ref().map_or_else(|| "/".to_owned(), |p| format!("/promotions/{p}"));
    render(
        app,
        "list.html",
        minijinja::context! {
            sales => sales,
            q => query.q.unwrap_or_default(),
            sort => query.sort.unwrap_or_default(),
            now => now,
            promotion => promotion,
            action => action,
        },
    )
}
