-- Promo host: the first schema (SQLite). Money is stored as decimal text, never a float;
-- times are Unix milliseconds.

CREATE TABLE rulesets (
    hash TEXT PRIMARY KEY,
    compiled TEXT NOT NULL,
    loaded_at BIGINT NOT NULL
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    total TEXT NOT NULL,
    src TEXT,
    ruleset TEXT NOT NULL REFERENCES rulesets (hash),
    snapshot TEXT NOT NULL
);
CREATE INDEX orders_by_customer ON orders (customer);

CREATE TABLE order_lines (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    line TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    final_line_price TEXT NOT NULL,
    PRIMARY KEY (order_id, line)
);
CREATE INDEX order_lines_by_sku ON order_lines (sku);

CREATE TABLE promotion_sales (
    promotion TEXT PRIMARY KEY,
    sold BIGINT NOT NULL,
    spent TEXT NOT NULL
);

CREATE TABLE customer_usage (
    customer TEXT NOT NULL,
    promotion TEXT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (customer, promotion)
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku TEXT NOT NULL,
    kind TEXT NOT NULL,
    src TEXT NOT NULL,
    visitor TEXT NOT NULL,
    seconds BIGINT,
    at BIGINT NOT NULL
);
CREATE INDEX events_by_sku ON events (sku, kind);

CREATE TABLE returns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    created_at BIGINT NOT NULL,
    refund TEXT NOT NULL,
    outcome TEXT NOT NULL
);
