//! The pages' forms: newsletter sign-up on a product page (seed 000: "the collection of email
//! addresses to be added to the newsletter initiative") and the feedback form (step 11), with
//! the feedback listed for managers.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::csrf;
use super::money::instant;
use super::render;
use crate::api::entry_point;
use crate::app::{AppState, unauthorized};

/// The longest feedback message.
pub const MAX_MESSAGE: usize = 5000;

/// The newsletter form.
#[derive(Debug, Default, Deserialize)]
pub struct NewsletterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    src: String,
    #[serde(default)]
    csrf: String,
}

/// The feedback form.
#[derive(Debug, Default, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    csrf: String,
}

/// Whether `email` looks like an address: one `@`, a dotted domain, no spaces, at most 254 bytes.
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A form that cannot be accepted: the page says which field and what was expected (422), or that
/// the form was not ours (403).
fn refused(app: &AppState, status: StatusCode, field: &str, message: &str, back: &str) -> Response {
    let mut response = render(app, "form_error.html", minijinja::context! { field, message, back });
    *response.status_mut() = status;
    response
}

fn forged(app: &AppState, back: &str) -> Response {
    refused(
        app,
        StatusCode::FORBIDDEN,
        "form",
        "the form has expired or was not sent from this site; open the page again",
        back,
    )
}

/// `POST /newsletter`.
pub async fn post_newsletter(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<NewsletterForm>,
) -> Response {
    let loaded = app.shop.current();
    let src = entry_point(Some(&form.src)).unwrap_or_else(|_| "other".to_owned());
    let back = if loaded.catalog.product(&form.sku).is_some() {
        format!("/sales/{}?src={src}", form.sku)
    } else {
        "/".to_owned()
    };
    if !csrf::verify(&headers, &form.csrf) {
        return forged(&app, &back);
    }
    if loaded.catalog.product(&form.sku).is_none() {
        return refused(&app, StatusCode::UNPROCESSABLE_ENTITY, "sku", "there is no such sale", "/");
    }
    let email = form.email.trim();
    if !plausible_email(email) {
        return refused(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
            "expected an email address like name@example.com",
            &back,
        );
    }
    match app.store.subscribe(&email.to_lowercase(), &form.sku, &src, app.clock.now_ms()).await {
        Ok(_) => Redirect::to(&format!("{back}&subscribed=1")).into_response(),
        Err(e) => crate::api::ApiError::internal(e).into_response(),
    }
}

/// The feedback page's query.
#[derive(Debug, Default, Deserialize)]
pub struct FeedbackQuery {
    #[serde(default)]
    thanks: Option<String>,
}

/// `GET /feedback`.
pub async fn feedback_page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<FeedbackQuery>,
) -> Response {
    let (token, cookie) = csrf::token(&headers);
    let mut response = render(
        &app,
        "feedback.html",
        minijinja::context! { csrf => token, thanks => query.thanks.is_some(), max => MAX_MESSAGE },
    );
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /feedback`.
pub async fn post_feedback(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FeedbackForm>,
) -> Response {
    if !csrf::verify(&headers, &form.csrf) {
        return forged(&app, "/feedback");
    }
    let (name, email, message) = (form.name.trim(), form.email.trim(), form.message.trim());
    let problem = if name.is_empty() || name.chars().count() > 100 {
        Some(("name", "expected your name, at most 100 characters".to_owned()))
    } else if !plausible_email(email) {
        Some(("email", "expected an email address like name@example.com".to_owned()))
    } else if message.is_empty() || message.chars().count() > MAX_MESSAGE {
        Some(("message", format!("expected a message of 1 to {MAX_MESSAGE} characters")))
    } else {
        None
    };
    if let Some((field, text)) = problem {
        return refused(&app, StatusCode::UNPROCESSABLE_ENTITY, field, &text, "/feedback");
    }
    match app.store.add_feedback(name, email, message, app.clock.now_ms()).await {
        Ok(_) => Redirect::to("/feedback?thanks=1").into_response(),
        Err(e) => crate::api::ApiError::internal(e).into_response(),
    }
}

/// `GET /dashboard/feedback` (managers): every message, newest first, and newsletter sign-ups by sale.
pub async fn feedback_list(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if !app.auth.allows(&headers) {
        return unauthorized();
    }
    let (feedback, subscribers) = match (app.store.feedback().await, app.store.subscribers_by_sale().await) {
        (Ok(f), Ok(s)) => (f, s),
        (Err(e), _) | (_, Err(e)) => return crate::api::ApiError::internal(e).into_response(),
    };
    let feedback: Vec<_> = feedback
        .into_iter()
        .map(|f| minijinja::context! { name => f.name, email => f.email, message => f.message, at => instant(f.at.div_euclid(1000)) })
        .collect();
    render(&app, "feedback_list.html", minijinja::context! { feedback, subscribers })
}
