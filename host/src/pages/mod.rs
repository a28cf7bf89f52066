//! The HTML pages: the list of sales, a sale's product page (seed 000, workflow step 2), the tracked
//! call to purchase (step 3), product media, and the manager's dashboard (step 13).

mod csrf;
mod dashboard;
mod files;
mod forms;
mod list;
mod money;
mod product;
mod review;
mod templates;
mod visitor;

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

pub use dashboard::dashboard;
pub use files::{asset, media};
pub use forms::{feedback_list, feedback_page, plausible_email, post_feedback, post_newsletter};
pub use list::{list, promotion};
pub use product::{go, product};
pub use review::{post_asset_decision, post_provider_decision, provider_media, review_page};
pub use templates::Templates;

use crate::app::AppState;

/// Renders `name`, or a 500 whose cause is logged.
fn render(app: &AppState, name: &str, context: impl serde::Serialize) -> Response {
    match app.templates.render(name, context) {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %e, "page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page failed to render; the error is logged\n").into_response()
        }
    }
}

/// The 404 page.
pub async fn not_found(axum::extract::State(app): axum::extract::State<AppState>) -> Response {
    let mut response = render(&app, "not_found.html", minijinja::context! {});
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// A 404 for a sale that does not exist.
fn no_sale(app: &AppState) -> Response {
    let mut response = render(app, "not_found.html", minijinja::context! { what => "sale" });
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}
