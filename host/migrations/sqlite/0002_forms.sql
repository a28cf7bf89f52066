-- Newsletter sign-ups from the product pages, and feedback from shoppers (seed 000, steps 2 and 11).

CREATE TABLE newsletter (
    email TEXT PRIMARY KEY,
    sku TEXT NOT NULL,
    src TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    message TEXT NOT NULL,
    at BIGINT NOT NULL
);
