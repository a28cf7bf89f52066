;; The loyalty service of the example store, as a sandboxed Promo extension (spec/extensions.md).
;; It imports nothing: no clock, randomness, network or files. Promo runs each call in a fresh
;; instance under the ruleset's fuel and memory limits.
(module
  ;; loyalty_score(points: int, orders: int) -> int
  ;; One point per 100 loyalty points, five per order placed, between 0 and 100.
  (func (export "loyalty_score") (param $points i64) (param $orders i64) (result i64)
    (local $score i64)
    (local.set $score
      (i64.add
        (i64.div_s (local.get $points) (i64.const 100))
        (i64.mul (local.get $orders) (i64.const 5))))
    (if (i64.gt_s (local.get $score) (i64.const 100))
      (then (local.set $score (i64.const 100))))
    (if (i64.lt_s (local.get $score) (i64.const 0))
      (then (local.set $score (i64.const 0))))
    (local.get $score))

  ;; is_partner(partner_id: int) -> bool
  ;; The partner brands whose products join the loyalty sale: ids 7, 12 and 31.
  (func (export "is_partner") (param $id i64) (result i32)
    (i32.or
      (i32.or
        (i64.eq (local.get $id) (i64.const 7))
        (i64.eq (local.get $id) (i64.const 12)))
      (i64.eq (local.get $id) (i64.const 31))))

  ;; welcome_credit(points: int) -> money
  ;; A credit worth 1.00 per 1,000 points; money results are fixed point with four decimals.
  (func (export "welcome_credit") (param $points i64) (result i64)
    (i64.mul (i64.div_s (local.get $points) (i64.const 1000)) (i64.const 10000)))
)
