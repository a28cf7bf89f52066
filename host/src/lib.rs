//! # promo-host
//!
//! The storefront host (seed 000, the SMP flash-sales system): flash-sale product pages and a
//! list of sales, a tracked call to purchase, page statistics and a manager dashboard, and the
//! storefront's JSON API — price a cart, place an order without overselling, return items — over
//! a real database (SQLite embedded by default, PostgreSQL for more than one machine).
//!
//! Where things are:
//! - [`shop`]: the store folder compiled (`.promo` files) and read (`catalog.json`, `media/`),
//!   reloaded as one; [`catalog`]: products and media;
//! - [`store`]: the database — migrations, state for pricing, orders and returns (no oversell),
//!   events and stats;
//! - [`api`]: `/api/v1/…` JSON handlers; [`pages`]: the HTML pages; [`auth`]: manager routes;
//! - [`app`]: the router and its shared state; [`serve`]: start-up.

pub mod api;
pub mod app;
pub mod auth;
pub mod catalog;
pub mod clock;
pub mod pages;
pub mod shop;
pub mod store;

mod serve;

pub use app::{AppState, router};
pub use clock::Clock;
pub use serve::{Config, ServeError, serve};
