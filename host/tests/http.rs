//! The host over HTTP, in process, on SQLite (and PostgreSQL when `PROMO_TEST_POSTGRES` is set):
//! pages, the pricing and order API, returns, events, stats, the dashboard, authentication and
//! the errors a bad request gets.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use axum::http::{StatusCode, header};
use support::{databases, get, get_as_manager, host, post};

const NAMALE: &str = r#"{"customer":{"id":"ana"},"lines":[{"sku":"FJ-NAMALE-6N","quantity":1}],"expected_total":"12900.00","src":"facebook"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_product_page_shows_the_sale_and_counts_the_view() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (app, _) = host(&url).await;
        let page = get(&app, "/sales/FJ-NAMALE-6N?src=facebook").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains(r#"<s class="original" id="original-price">15,400.00 USD</s>"#), "{}", page.body);
        assert!(page.body.contains(r#"<strong class="final" id="final-price">12,900.00 USD</strong>"#));
        assert!(page.body.contains(r#"<span class="label">Flash Sale: save $2,500</span>"#));
        // Ends 2028-01-01 00:00 New York = 05:00 UTC; the clock says 2026-12-01 12:00 UTC.
        assert!(
            page.body.contains(
                r#"datetime="2028-01-01T05:00:00Z" data-at="1830315600" data-now="1796126400">395d 17:00:00</time>"#
            ),
            "{}",
            page.body
        );
        assert!(page.body.contains(r#"<p class="stock" id="stock">100 left</p>"#));
        assert!(page.body.contains(r#"href="&#x2f;go&#x2f;FJ-NAMALE-6N?src=facebook""#));
        assert!(page.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().starts_with("promo_visitor="));

        let click = get(&app, "/go/FJ-NAMALE-6N?src=facebook").await;
        assert_eq!(click.status, StatusCode::SEE_OTHER);
        assert_eq!(click.headers[header::LOCATION], "https://travel.1800registry.example/cart?sku=FJ-NAMALE-6N");

        let stats = get_as_manager(&app, "/api/v1/stats").await.json();
        let namale = &stats["sales"].as_array().unwrap().iter().find(|s| s["sku"] == "FJ-NAMALE-6N").unwrap();
        assert_eq!(namale["by_entry"]["facebook"]["views"], 1);
        assert_eq!(namale["by_entry"]["facebook"]["clicks"], 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_escape_what_they_show_and_unknown_sales_are_404() {
    let dir = tempfile::tempdir().unwrap();
    let url = &databases(&dir)[0];
    let (app, _) = host(url).await;
    let page = get(&app, "/sales/SPA-DAY").await;
    // "Couples' spa day": the apostrophe is escaped.
    assert!(page.body.contains("<h1>Couples&#x27; spa day</h1>"), "{}", page.body);
    let list = get(&app, "/?q=%3Cscript%3E").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(r#"value="&lt;script&gt;""#), "{}", list.body);
    assert!(!list.body.contains("<script>"));
    assert_eq!(get(&app, "/sales/NO-SUCH-SKU").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/media/..%2Fcatalog.json").await.status, StatusCode::NOT_FOUND);
    let media = get(&app, "/media/namale.svg").await;
    assert_eq!(media.status, StatusCode::OK);
    assert_eq!(media.headers[header::CONTENT_TYPE], "image/svg+xml");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_sorts_by_label_priority_or_price_and_searches() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = host(&databases(&dir)[0]).await;
    let order = |body: &str| -> Vec<String> {
        body.match_indices(r#"<li class="sale" data-sku=""#)
            .map(|(i, m)| body[i + m.len()..].split('"').next().unwrap().to_owned())
            .collect()
    };
    let featured = order(&get(&app, "/").await.body);
    assert_eq!(featured.first().map(String::as_str), Some("FJ-NAMALE-6N"), "the flash sale (priority 100) first");
    assert_eq!(featured.len(), 7);
    let cheapest = order(&get(&app, "/?sort=price").await.body);
    assert_eq!(cheapest.first().map(String::as_str), Some("SPA-DAY"));
    let dearest = order(&get(&app, "/?sort=-price").await.body);
    assert_eq!(dearest.first().map(String::as_str), Some("FJ-VATULELE-7N"));
    assert_eq!(order(&get(&app, "/?q=fiji").await.body).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_takes_the_stock_and_a_second_one_is_told_the_price_changed() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (app, _) = host(&url).await;
        let price = post(&app, "/api/v1/price", r#"{"lines":[{"sku":"FJ-NAMALE-6N","quantity":1}]}"#).await;
        assert_eq!(price.status, StatusCode::OK);
        assert_eq!(price.json()["total"], "12900.00");

        let placed = post(&app, "/api/v1/orders", NAMALE).await;
        assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
        let id = placed.json()["order"].as_i64().unwrap();
        assert_eq!(placed.headers[header::LOCATION], format!("/api/v1/orders/{id}"));
        assert_eq!(placed.json()["total"], "12900.00");

        // One per customer: the second unit would cost the list price.
        let again = post(&app, "/api/v1/orders", NAMALE).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        let error = &again.json()["error"];
        assert_eq!(error["code"], "price_changed");
        assert_eq!(error["message"], "the cart now costs 15400.00 USD, not 12900.00");
        assert_eq!(error["detail"]["total"], "15400.00");

        let page = get(&app, "/sales/FJ-NAMALE-6N").await;
        assert!(page.body.contains(r#"<p class="stock" id="stock">99 left</p>"#), "{}", page.body);

        // The stored order, for managers only.
        assert_eq!(get(&app, &format!("/api/v1/orders/{id}")).await.status, StatusCode::UNAUTHORIZED);
        let stored = get_as_manager(&app, &format!("/api/v1/orders/{id}")).await.json();
        assert_eq!(stored["customer"], "ana");
        assert_eq!(stored["snapshot"]["outcome"]["total"], "12900.00");

        // Returning it refunds what was paid and gives the unit back to the stock and the limit.
        let returned =
            post(&app, &format!("/api/v1/orders/{id}/returns"), r#"{"lines":[{"id":"1","quantity":1}]}"#).await;
        assert_eq!(returned.status, StatusCode::CREATED, "{}", returned.body);
        assert_eq!(returned.json()["refund"]["refund"], "12900.00");
        let page = get(&app, "/sales/FJ-NAMALE-6N").await;
        assert!(page.body.contains(r#"<p class="stock" id="stock">100 left</p>"#));
        assert_eq!(post(&app, "/api/v1/orders", NAMALE).await.status, StatusCode::CREATED);
        // Nothing left to return on the first order.
        let twice = post(&app, &format!("/api/v1/orders/{id}/returns"), r#"{"lines":[{"id":"1","quantity":1}]}"#).await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", twice.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = host(&databases(&dir)[0]).await;
    let cases: &[(&str, &str, StatusCode, &str, Option<&str>)] = &[
        ("/api/v1/price", "{", StatusCode::BAD_REQUEST, "malformed_json", None),
        (
            "/api/v1/price",
            r#"{"lines":[{"sku":"NOPE","quantity":1}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_sku",
            Some("lines[0].sku"),
        ),
        (
            "/api/v1/price",
            r#"{"lines":[{"sku":"SPA-DAY","quantity":"two"}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("lines[0].quantity"),
        ),
        (
            "/api/v1/price",
            r#"{"lines":[{"sku":"SPA-DAY","quantity":0}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("lines[0].quantity"),
        ),
        ("/api/v1/price", r#"{"lines":[]}"#, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("lines")),
        (
            "/api/v1/price",
            r#"{"lines":[{"sku":"SPA-DAY","quantity":1}],"colour":"red"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("colour"),
        ),
        (
            "/api/v1/price",
            r#"{"customer":{"id":"x","attributes":{"member":"yes"}},"lines":[{"sku":"SPA-DAY","quantity":1}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            Some("customer.attributes.member"),
        ),
        (
            "/api/v1/orders",
            r#"{"customer":{"id":""},"lines":[{"sku":"SPA-DAY","quantity":1}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("customer.id"),
        ),
        (
            "/api/v1/orders",
            r#"{"customer":{"id":"x"},"lines":[{"sku":"SPA-DAY","quantity":1}],"src":"../x"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("src"),
        ),
        (
            "/api/v1/orders/12345/returns",
            r#"{"lines":[{"id":"1","quantity":1}]}"#,
            StatusCode::NOT_FOUND,
            "not_found",
            None,
        ),
        ("/api/v1/orders/abc/returns", r#"{"lines":[]}"#, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("id")),
        (
            "/api/v1/events",
            r#"{"sku":"SPA-DAY","kind":"like","visitor":"v1"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("kind"),
        ),
        (
            "/api/v1/events",
            r#"{"sku":"SPA-DAY","kind":"time","visitor":"v1"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("seconds"),
        ),
        (
            "/api/v1/events",
            r#"{"sku":"GONE","kind":"view","visitor":"v1"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_sku",
            Some("sku"),
        ),
    ];
    for (uri, body, status, code, field) in cases {
        let reply = post(&app, uri, body).await;
        assert_eq!(reply.status, *status, "{uri} {body}: {}", reply.body);
        let error = &reply.json()["error"];
        assert_eq!(error["code"], *code, "{uri} {body}: {}", reply.body);
        assert_eq!(error["field"].as_str(), *field, "{uri} {body}: {}", reply.body);
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    // Nothing was recorded by the bad requests.
    let stats = get_as_manager(&app, "/api/v1/stats").await.json();
    assert_eq!(stats["sales"].as_array().unwrap().len(), 0, "{stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_every_kind_of_event_by_entry_point() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (app, _) = host(&url).await;
        assert_eq!(get(&app, "/dashboard").await.status, StatusCode::UNAUTHORIZED);
        get(&app, "/sales/FJ-NAMALE-6N?src=newsletter").await;
        get(&app, "/sales/FJ-NAMALE-6N?src=newsletter").await;
        get(&app, "/sales/FJ-NAMALE-6N").await;
        for (kind, extra) in
            [("favourite", ""), ("share", ""), ("time", r#","seconds":90"#), ("time", r#","seconds":30"#)]
        {
            let body = format!(r#"{{"sku":"FJ-NAMALE-6N","kind":"{kind}","src":"newsletter","visitor":"v1"{extra}}}"#);
            assert_eq!(post(&app, "/api/v1/events", &body).await.status, StatusCode::NO_CONTENT);
        }
        let order = NAMALE.replace("facebook", "newsletter");
        assert_eq!(post(&app, "/api/v1/orders", &order).await.status, StatusCode::CREATED);

        let page = get_as_manager(&app, "/dashboard").await;
        assert_eq!(page.status, StatusCode::OK);
        let section = page.body.split(r#"<section class="stats" data-sku="FJ-NAMALE-6N">"#).nth(1).unwrap();
        let section = section.split("</section>").next().unwrap();
        assert!(section.contains(r#"<tr class="entry" data-entry="newsletter"><td>newsletter</td><td class="views">2</td><td class="favourites">1</td><td class="shares">1</td><td class="clicks">0</td><td class="purchases">1</td><td>50.0%</td><td>1:00</td></tr>"#), "{section}");
        assert!(
            section.contains(r#"<tr class="entry" data-entry="direct"><td>direct</td><td class="views">1</td>"#),
            "{section}"
        );
        assert!(section.contains(r#"<th>All</th><td class="views">3</td><td class="favourites">1</td><td class="shares">1</td><td class="clicks">0</td><td class="purchases">1</td><td>33.3%</td><td>1:00</td>"#), "{section}");
        assert!(section.contains(r#"<svg class="chart""#));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_needs_the_manager_and_json_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = host(&databases(&dir)[0]).await;
    assert_eq!(post(&app, "/api/v1/reload", "{}").await.status, StatusCode::UNAUTHORIZED);
    let form = support::post_as_manager(&app, "/api/v1/reload", "application/x-www-form-urlencoded").await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let reloaded = support::post_as_manager(&app, "/api/v1/reload", "application/json").await;
    assert_eq!(reloaded.status, StatusCode::OK, "{}", reloaded.body);
    assert_eq!(reloaded.json()["products"], 7);
    assert_eq!(get(&app, "/sales/FJ-NAMALE-6N").await.status, StatusCode::OK);
}

/// The value of `name` in a `Set-Cookie` of `reply`.
fn cookie(reply: &support::Reply, name: &str) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().and_then(|kv| kv.strip_prefix(&format!("{name}="))).map(str::to_owned))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

/// `POST uri` as a browser form, with `cookie`.
async fn post_form(app: &axum::Router, uri: &str, cookie: &str, body: &str) -> support::Reply {
    let request = axum::http::Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap();
    support::send(app, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newsletter_form_signs_up_once_and_refuses_forgeries() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (app, _) = host(&url).await;
        let page = get(&app, "/sales/FJ-NAMALE-6N?src=newsletter").await;
        let token = cookie(&page, "promo_csrf");
        assert!(page.body.contains(&format!(r#"<input type="hidden" name="csrf" value="{token}">"#)));
        let jar = format!("promo_csrf={token}");
        let form = format!("csrf={token}&sku=FJ-NAMALE-6N&src=newsletter&email=Ana%40Example.com");

        let signed = post_form(&app, "/newsletter", &jar, &form).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        assert_eq!(signed.headers[header::LOCATION], "/sales/FJ-NAMALE-6N?src=newsletter&subscribed=1");
        let thanked = get(&app, "/sales/FJ-NAMALE-6N?src=newsletter&subscribed=1").await;
        assert!(thanked.body.contains(r#"<p class="thanks" id="subscribed">You are on the list.</p>"#));
        // Twice is still once.
        assert_eq!(post_form(&app, "/newsletter", &jar, &form).await.status, StatusCode::SEE_OTHER);

        // No cookie, or a token that is not the cookie's: refused, nothing stored.
        let forged = post_form(&app, "/newsletter", "", &form.replace("Ana", "Eve")).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let other = format!("promo_csrf={}", "f".repeat(32));
        assert_eq!(
            post_form(&app, "/newsletter", &other, &form.replace("Ana", "Eve")).await.status,
            StatusCode::FORBIDDEN
        );

        let bad = post_form(&app, "/newsletter", &jar, &form.replace("Ana%40Example.com", "not-an-address")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains(r#"data-field="email""#), "{}", bad.body);

        let list = support::get_as_manager(&app, "/dashboard/feedback").await;
        assert!(
            list.body.contains(r#"<tr data-sku="FJ-NAMALE-6N"><td>FJ-NAMALE-6N</td><td>1</td></tr>"#),
            "{}",
            list.body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_is_stored_escaped_and_listed_for_managers() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (app, _) = host(&url).await;
        let page = get(&app, "/feedback").await;
        assert_eq!(page.status, StatusCode::OK);
        let token = cookie(&page, "promo_csrf");
        let jar = format!("promo_csrf={token}");
        let sent = post_form(
            &app,
            "/feedback",
            &jar,
            &format!(
                "csrf={token}&name=Jay&email=jay%40example.com&message=Loved+it+%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            ),
        )
        .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert_eq!(sent.headers[header::LOCATION], "/feedback?thanks=1");
        let empty =
            post_form(&app, "/feedback", &jar, &format!("csrf={token}&name=Jay&email=jay%40example.com&message="))
                .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains(r#"data-field="message""#));

        assert_eq!(get(&app, "/dashboard/feedback").await.status, StatusCode::UNAUTHORIZED);
        let list = support::get_as_manager(&app, "/dashboard/feedback").await;
        assert!(list.body.contains("<p>Loved it &lt;script&gt;alert(1)&lt;&#x2f;script&gt;</p>"), "{}", list.body);
        assert!(list.body.contains("<strong>Jay</strong> &lt;jay@example.com&gt;"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promotion_page_lists_its_products() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = host(&databases(&dir)[0]).await;
    let page = get(&app, "/promotions/Airport%20welcome%20gift?sort=price").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<h1>Airport welcome gift</h1>"));
    let skus: Vec<&str> = page
        .body
        .match_indices(r#"<li class="sale" data-sku=""#)
        .map(|(i, m)| page.body[i + m.len()..].split('"').next().unwrap())
        .collect();
    // The registry packages, cheapest first (the Namale flash sale is exclusive: no gift label).
    assert_eq!(skus, ["IT-AMALFI-7N", "FJ-LAUCALA-5N", "FJ-VATULELE-7N"], "{}", page.body);
    assert_eq!(get(&app, "/promotions/No%20such%20thing").await.status, StatusCode::NOT_FOUND);
}

#[test]
#[should_panic(expected = "does not match openapi.json")]
fn the_openapi_check_catches_an_answer_of_the_wrong_shape() {
    let reply = support::Reply {
        status: StatusCode::OK,
        headers: axum::http::HeaderMap::new(),
        body: r#"{"currency":"USD","total":12900}"#.to_owned(),
    };
    support::conforms("post", "/api/v1/price", &reply);
}

#[test]
#[should_panic(expected = "which openapi.json does not document")]
fn the_openapi_check_catches_an_undocumented_status() {
    let reply =
        support::Reply { status: StatusCode::IM_A_TEAPOT, headers: axum::http::HeaderMap::new(), body: String::new() };
    support::conforms("post", "/api/v1/price", &reply);
}

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

/// `POST uri` with JSON, signed in as `user:password`.
async fn post_as(app: &axum::Router, uri: &str, user: &str, password: &str, body: &str) -> support::Reply {
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let request = axum::http::Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Basic {token}"))
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap();
    support::send(app, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_assets_reach_a_page_only_once_approved() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (app, _) = host(&url).await;
        let applied =
            post(&app, "/api/v1/providers", r#"{"name":"namale-resort","email":"sales@namale.example"}"#).await;
        assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
        let id = applied.json()["provider"].as_i64().unwrap();
        let token = applied.json()["token"].as_str().unwrap().to_owned();
        assert_eq!(
            post(&app, "/api/v1/providers", r#"{"name":"namale-resort","email":"x@y.example"}"#).await.status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            post(&app, "/api/v1/providers", r#"{"name":"../etc","email":"x@y.example"}"#).await.json()["error"]["field"],
            "name"
        );

        let media = format!(
            r#"{{"sku":"FJ-NAMALE-6N","kind":"media","data_base64":"{}"}}"#,
            base64::engine::general_purpose::STANDARD.encode(PNG)
        );
        // Pending providers cannot submit; a wrong token is not the provider.
        assert_eq!(
            post_as(&app, "/api/v1/assets", "namale-resort", &token, &media).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_as(&app, "/api/v1/assets", "namale-resort", "wrong", &media).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            post(&app, &format!("/api/v1/providers/{id}/status"), r#"{"status":"approved"}"#).await.status,
            StatusCode::UNAUTHORIZED
        );
        let approved = post_as(
            &app,
            &format!("/api/v1/providers/{id}/status"),
            "manager",
            support::PASSWORD,
            r#"{"status":"approved"}"#,
        )
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);

        let image = post_as(&app, "/api/v1/assets", "namale-resort", &token, &media).await;
        assert_eq!(image.status, StatusCode::CREATED, "{}", image.body);
        let image = image.json()["asset"].as_i64().unwrap();
        let text = post_as(
            &app,
            "/api/v1/assets",
            "namale-resort",
            &token,
            r#"{"sku":"FJ-NAMALE-6N","kind":"text","body":"Voted <b>best</b> resort"}"#,
        )
        .await;
        assert_eq!(text.status, StatusCode::CREATED);
        let svg = format!(
            r#"{{"sku":"FJ-NAMALE-6N","kind":"media","data_base64":"{}"}}"#,
            base64::engine::general_purpose::STANDARD.encode("<svg onload='alert(1)'/>")
        );
        let refused = post_as(&app, "/api/v1/assets", "namale-resort", &token, &svg).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["field"], "data_base64");
        let link = post_as(
            &app,
            "/api/v1/assets",
            "namale-resort",
            &token,
            r#"{"sku":"FJ-NAMALE-6N","kind":"url","body":"javascript:alert(1)"}"#,
        )
        .await;
        assert_eq!(link.json()["error"]["field"], "body");

        // Pending: not on the page, not served.
        let page = get(&app, "/sales/FJ-NAMALE-6N").await;
        assert!(!page.body.contains("/provider-media/"), "{}", page.body);
        assert_eq!(get(&app, &format!("/provider-media/{image}")).await.status, StatusCode::NOT_FOUND);

        // The manager approves the image and the text from the review page.
        let review = support::get_as_manager(&app, "/dashboard/assets").await;
        assert!(review.body.contains(r#"<tr data-provider="namale-resort">"#));
        let csrf = cookie(&review, "promo_csrf");
        for asset in [image, image + 1] {
            let request = axum::http::Request::post(format!("/dashboard/assets/{asset}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("promo_csrf={csrf}"))
                .header(header::AUTHORIZATION, support::manager_authorization())
                .body(axum::body::Body::from(format!("csrf={csrf}&status=approved")))
                .unwrap();
            assert_eq!(support::send(&app, request).await.status, StatusCode::SEE_OTHER);
        }
        let page = get(&app, "/sales/FJ-NAMALE-6N").await;
        assert!(page.body.contains(&format!(r#"<img src="&#x2f;provider-media&#x2f;{image}""#)), "{}", page.body);
        assert!(page.body.contains("<p>Voted &lt;b&gt;best&lt;&#x2f;b&gt; resort</p>"), "{}", page.body);
        let served = get(&app, &format!("/provider-media/{image}")).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.headers[header::CONTENT_TYPE], "image/png");

        // Suspending the provider takes its assets off the page.
        let suspended = post_as(
            &app,
            &format!("/api/v1/providers/{id}/status"),
            "manager",
            support::PASSWORD,
            r#"{"status":"suspended"}"#,
        )
        .await;
        assert_eq!(suspended.status, StatusCode::OK);
        assert!(!get(&app, "/sales/FJ-NAMALE-6N").await.body.contains("/provider-media/"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reloading_while_pricing_drops_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = host(&databases(&dir)[0]).await;
    let mut pricing = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let app = app.clone();
        pricing.spawn(async move {
            let mut totals = Vec::new();
            for _ in 0..25 {
                let reply = post(&app, "/api/v1/price", r#"{"lines":[{"sku":"FJ-NAMALE-6N","quantity":1}]}"#).await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                totals.push(reply.json()["total"].as_str().unwrap().to_owned());
            }
            totals
        });
    }
    for _ in 0..5 {
        let reload = support::post_as_manager(&app, "/api/v1/reload", "application/json").await;
        assert_eq!(reload.status, StatusCode::OK, "{}", reload.body);
    }
    while let Some(totals) = pricing.join_next().await {
        assert!(totals.unwrap().iter().all(|t| t == "12900.00"));
    }
}

/// A request reads the stored counters of the promotions its cart concerns, not every one the
/// store keeps: a cart of the Namale package reads Namale's stock and the member voucher's usage
/// and budget, not the Vatulele sale's; the list of sales reads them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_reads_the_counters_of_its_own_promotions() {
    use promo_host::store::Entries;
    use promo_runtime::input::{Cart, Customer};
    use rust_decimal::Decimal;

    const NAMALE_SALE: &str = "Namale resort winter flash sale";
    const VATULELE_SALE: &str = "Vatulele Island honeymoon flash sale";
    const VOUCHER: &str = "SMP member voucher";
    let dir = tempfile::tempdir().unwrap();
    for url in databases(&dir) {
        let (_, state) = host(&url).await;
        let pool = state.store.pool();
        for (promotion, sold, spent) in [(NAMALE_SALE, 3, "0"), (VATULELE_SALE, 2, "0"), (VOUCHER, 0, "100")] {
            sqlx::query("UPDATE promotion_sales SET sold = $1, spent = $2 WHERE promotion = $3")
                .bind(sold)
                .bind(spent)
                .bind(promotion)
                .execute(pool)
                .await
                .unwrap();
        }
        for promotion in [VOUCHER, VATULELE_SALE] {
            sqlx::query("INSERT INTO customer_usage (customer, promotion, used) VALUES ('ana', $1, 1)")
                .bind(promotion)
                .execute(pool)
                .await
                .unwrap();
        }
        let loaded = state.shop.current();
        let namale = loaded.catalog.product("FJ-NAMALE-6N").unwrap().line("1", 1);
        let cart = Cart { currency: None, lines: vec![namale], coupons: vec![], choose: vec![] };
        let needed = loaded.prepared.state_needed(&cart, &Customer::default()).unwrap();
        assert_eq!(needed, [NAMALE_SALE, VOUCHER], "{url}");

        let read = state.store.state(&loaded.prepared, Some("ana"), Entries::Of(&needed)).await.unwrap();
        assert_eq!(read.state.stock_left.into_iter().collect::<Vec<_>>(), [(NAMALE_SALE.to_owned(), 97)], "{url}");
        assert_eq!(read.sold.into_iter().collect::<Vec<_>>(), [(NAMALE_SALE.to_owned(), 3)], "{url}");
        assert_eq!(read.state.used_by_customer.into_iter().collect::<Vec<_>>(), [(VOUCHER.to_owned(), 1)], "{url}");
        assert_eq!(
            read.state.budget_left.into_iter().collect::<Vec<_>>(),
            [(VOUCHER.to_owned(), Decimal::new(24900, 0))],
            "{url}"
        );
        assert_eq!(read.spent_text.get(VOUCHER).map(String::as_str), Some("100"), "{url}");

        // Nothing named, nothing read.
        let none = state.store.state(&loaded.prepared, Some("ana"), Entries::Of(&[])).await.unwrap();
        assert!(none.state.stock_left.is_empty() && none.state.used_by_customer.is_empty(), "{url}");
        // More names than one query takes (500): each query's are read. Names of no promotion
        // read nothing.
        let mut many: Vec<promo_runtime::SmolStr> = (0..1200).map(|i| format!("retired sale {i}").into()).collect();
        many[700] = VOUCHER.into();
        many[1100] = VATULELE_SALE.into();
        let read = state.store.state(&loaded.prepared, Some("ana"), Entries::Of(&many)).await.unwrap();
        assert_eq!(read.state.stock_left.into_iter().collect::<Vec<_>>(), [(VATULELE_SALE.to_owned(), 18)], "{url}");
        assert_eq!(read.state.used_by_customer.len(), 2, "{url}");
        assert_eq!(read.spent_text.get(VOUCHER).map(String::as_str), Some("100"), "{url}");

        let all = state.store.state(&loaded.prepared, Some("ana"), Entries::All).await.unwrap();
        assert_eq!(all.state.stock_left.get(NAMALE_SALE), Some(&97), "{url}");
        assert_eq!(all.state.stock_left.get(VATULELE_SALE), Some(&18), "{url}");
        assert_eq!(all.state.used_by_customer.len(), 2, "{url}");
    }
}
