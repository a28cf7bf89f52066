-- wrk: report a favourite.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"sku":"FJ-NAMALE-6N","kind":"favourite","src":"newsletter","visitor":"bench"}'
