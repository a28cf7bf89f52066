//! The router: every route of the host, and the state its handlers share.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::auth::ManagerAuth;
use crate::clock::Clock;
use crate::pages::{self, Templates};
use crate::shop::{Loaded, Shop};
use crate::store::{Store, StoreError};
use crate::{api, auth};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store folder being served.
    pub shop: Arc<Shop>,
    /// The database.
    pub store: Store,
    /// What time it is.
    pub clock: Clock,
    /// Manager credentials.
    pub auth: ManagerAuth,
    /// The page templates.
    pub templates: Arc<Templates>,
}

impl AppState {
    /// State serving `shop` from `store`; the database learns the current ruleset first.
    pub async fn new(shop: Shop, store: Store, clock: Clock, auth: ManagerAuth) -> Result<AppState, StoreError> {
        let state = AppState { shop: Arc::new(shop), store, clock, auth, templates: Arc::new(Templates::new()) };
        state.prepare(&state.shop.current()).await?;
        Ok(state)
    }

    /// Records `loaded`'s ruleset (orders refer to it) and its promotions' counters.
    pub async fn prepare(&self, loaded: &Loaded) -> Result<(), StoreError> {
        self.store.save_ruleset(loaded.hash(), &loaded.compiled_json, self.clock.now_ms()).await?;
        self.store.register_promotions(loaded.ruleset()).await
    }
}

/// A 401 asking for the manager's credentials.
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"Promo managers\", charset=\"UTF-8\"")],
        format!("sign in as `{}` with the manager password\n", auth::MANAGER_USER),
    )
        .into_response()
}

/// Every route.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::list))
        .route("/sales/{sku}", get(pages::product))
        .route("/promotions/{name}", get(pages::promotion))
        .route("/go/{sku}", get(pages::go))
        .route("/media/{name}", get(pages::media))
        .route("/assets/{name}", get(pages::asset))
        .route("/dashboard", get(pages::dashboard))
        .route("/dashboard/feedback", get(pages::feedback_list))
        .route("/dashboard/assets", get(pages::review_page))
        .route("/dashboard/assets/{id}", post(pages::post_asset_decision))
        .route("/dashboard/providers/{id}", post(pages::post_provider_decision))
        .route("/provider-media/{id}", get(pages::provider_media))
        .route("/newsletter", post(pages::post_newsletter))
        .route("/feedback", get(pages::feedback_page).post(pages::post_feedback))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/api/v1/price", post(api::post_price))
        .route("/api/v1/orders", post(api::post_order))
        .route("/api/v1/orders/{id}", get(api::get_order))
        .route("/api/v1/orders/{id}/returns", post(api::post_return))
        .route("/api/v1/events", post(api::post_event))
        .route("/api/v1/stats", get(api::get_stats))
        .route("/api/v1/reload", post(api::post_reload))
        .route("/api/v1/providers", post(api::post_provider))
        .route("/api/v1/providers/{id}/status", post(api::post_provider_status))
        .route("/api/v1/assets", post(api::post_asset).layer(DefaultBodyLimit::max(api::MAX_ASSET_REQUEST)))
        .fallback(pages::not_found)
        .with_state(state)
}
