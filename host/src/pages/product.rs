//! A sale's product page — media, description, terms, original and final price, labels, the
//! countdown, stock left, the call to purchase — and the tracked redirect to the provider's cart.
//! Opening the page records a view under its entry point (`?src=facebook`, any short tag).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use promo_runtime::input::Customer;
use promo_runtime::{CheckedProduct, Display};
use serde::{Deserialize, Serialize};

use super::money::{countdown, instant, money};
use super::visitor::visitor;
use super::{no_sale, render};
use crate::api::entry_point;
use crate::app::AppState;
use crate::catalog::{Product, media_type};
use crate::shop::Loaded;
use crate::store::{Entries, StoredState};

/// The query of a product page or a purchase click.
#[derive(Debug, Default, Deserialize)]
pub struct EntryQuery {
    /// The entry point.
    #[serde(default)]
    pub src: Option<String>,
    /// Set after a newsletter sign-up.
    #[serde(default)]
    pub subscribed: Option<String>,
}

/// A sale as its page (and the list) shows it.
#[derive(Debug, Serialize)]
pub struct SaleView {
    sku: String,
    name: String,
    description: String,
    terms: String,
    media: Vec<MediaView>,
    original: String,
    price: String,
    discounted: bool,
    labels: Vec<String>,
    countdown: Option<CountdownView>,
    upcoming: Vec<UpcomingView>,
    stock_left: Option<u64>,
    /// The highest label priority (the list sorts by it).
    #[serde(skip)]
    pub priority: i64,
    /// The final price, for sorting.
    #[serde(skip)]
    pub final_price: rust_decimal::Decimal,
    /// The promotion of each label (a promotion's page lists its products).
    pub promotions: Vec<String>,
}

#[derive(Debug, Serialize)]
struct MediaView {
    url: String,
    video: bool,
}

#[derive(Debug, Serialize)]
struct CountdownView {
    /// `ends` or `starts`.
    event: String,
    at: i64,
    at_iso: String,
    text: String,
}

#[derive(Debug, Serialize)]
struct UpcomingView {
    label: String,
    starts: String,
}

/// What the engine says about `product` now.
pub fn sale_view(loaded: &Loaded, product: &Product, state: &StoredState, now: i64) -> Option<SaleView> {
    let checked = checked(loaded, product)?;
    Some(view(loaded, product, &checked.display(&state.state, now), now))
}

/// `product` checked against the loaded ruleset for its display (one unit of it, for an
/// anonymous visitor), once for the counters it reads and its display; `None`, logged, when the
/// engine cannot read it.
fn checked<'l>(loaded: &'l Loaded, product: &Product) -> Option<CheckedProduct<'l>> {
    loaded
        .prepared
        .check_product(&product.line("1", 1), &Customer::default())
        .map_err(|e| tracing::error!(sku = %product.sku, error = %e, "product cannot be displayed"))
        .ok()
}

/// What a sale page shows of `product`, displayed as `shown`.
fn view(loaded: &Loaded, product: &Product, shown: &Display, now: i64) -> SaleView {
    let settings = &loaded.ruleset().settings;
    let m = |d| money(d, &settings.currency, settings.minor_units);
    SaleView {
        sku: product.sku.clone(),
        name: product.name.clone(),
        description: product.description.clone(),
        terms: product.terms.clone(),
        media: product
            .media
            .iter()
            .map(|name| MediaView {
                url: format!("/media/{name}"),
                video: media_type(name).is_some_and(|t| t.starts_with("video/")),
            })
            .collect(),
        original: m(shown.unit_price),
        price: m(shown.final_price),
        discounted: shown.final_price < shown.unit_price,
        labels: shown.labels.iter().map(|l| l.text.clone()).collect(),
        countdown: shown.countdown.as_ref().map(|c| CountdownView {
            event: c.event.clone(),
            at: c.at,
            at_iso: instant(c.at),
            text: countdown(c.at - now),
        }),
        upcoming: shown
            .upcoming
            .iter()
            .map(|u| UpcomingView {
                label: u.label.clone().unwrap_or_else(|| u.promotion.to_string()),
                starts: instant(u.starts_at),
            })
            .collect(),
        stock_left: shown.stock.iter().map(|s| s.left).min(),
        priority: shown.labels.first().map_or(i64::MIN, |l| l.priority),
        final_price: shown.final_price,
        promotions: shown.labels.iter().map(|l| l.promotion.to_string()).collect(),
    }
}

/// `GET /sales/{sku}`.
pub async fn product(
    State(app): State<AppState>,
    Path(sku): Path<String>,
    Query(query): Query<EntryQuery>,
    headers: HeaderMap,
) -> Response {
    let loaded = app.shop.current();
    let Some(product) = loaded.catalog.product(&sku) else { return no_sale(&app) };
    let src = entry_point(query.src.as_deref()).unwrap_or_else(|_| "other".to_owned());
    let (visitor, cookie) = visitor(&headers);
    let (csrf, csrf_cookie) = super::csrf::token(&headers);
    let now = app.clock.now();
    // The counters of this product's promotions, as its display reads them (a one-unit cart of
    // it), not every one the store keeps: checked once for the names and the display. A product
    // the engine cannot read is no sale.
    let Some(checked) = checked(&loaded, product) else { return no_sale(&app) };
    let needed = checked.state_needed();
    let state = match app.store.state(&loaded.prepared, None, Entries::Of(&needed)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "state unavailable");
            return (StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable; try again\n").into_response();
        }
    };
    let mut sale = view(&loaded, product, &checked.display(&state.state, now), now);
    // What the provider submitted and a manager approved.
    let assets = app.store.approved_assets(&sku).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "assets unavailable");
        Vec::new()
    });
    sale.media.extend(
        assets
            .iter()
            .filter(|a| a.kind == "media")
            .map(|a| MediaView { url: format!("/provider-media/{}", a.id), video: false }),
    );
    let texts: Vec<&str> = assets.iter().filter(|a| a.kind == "text").map(|a| a.body.as_str()).collect();
    let links: Vec<&str> = assets.iter().filter(|a| a.kind == "url").map(|a| a.body.as_str()).collect();
    if let Err(e) = app.store.record_event(&sku, "view", &src, &visitor, None, app.clock.now_ms()).await {
        tracing::error!(error = %e, "view not recorded");
    }
    let mut response = render(
        &app,
        "product.html",
        minijinja::context! {
            sale => sale,
            src => src,
            visitor => visitor,
            now => now,
            purchase_url => format!("/go/{sku}?src={src}"),
            csrf => csrf,
            subscribed => query.subscribed.is_some(),
            texts => texts,
            links => links,
        },
    );
    for cookie in [cookie, csrf_cookie].into_iter().flatten() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /go/{sku}`: records the click on the call to purchase, then sends the shopper to the
/// provider's cart (303).
pub async fn go(
    State(app): State<AppState>,
    Path(sku): Path<String>,
    Query(query): Query<EntryQuery>,
    headers: HeaderMap,
) -> Response {
    let loaded = app.shop.current();
    let Some(product) = loaded.catalog.product(&sku) else { return no_sale(&app) };
    let src = entry_point(query.src.as_deref()).unwrap_or_else(|_| "other".to_owned());
    let (visitor, _) = visitor(&headers);
    if let Err(e) = app.store.record_event(&sku, "purchase_click", &src, &visitor, None, app.clock.now_ms()).await {
        tracing::error!(error = %e, "purchase click not recorded");
    }
    Redirect::to(&product.cart_url).into_response()
}
