-- wrk: price a two-line cart.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"customer":{"id":"bench"},"lines":[{"sku":"FJ-NAMALE-6N","quantity":1},{"sku":"SPA-DAY","quantity":2}]}'
