;; Extension functions the conformance cases of extensions.promo declare.
(module
  (func (export "score") (param i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 1)))
  (func (export "is_vip") (param i64) (result i32)
    (i64.gt_s (local.get 0) (i64.const 1000)))
  (func (export "tier_of") (param i64) (result i32)
    (i32.const 1))
  (func (export "narrow") (param i32) (result i64)
    (i64.extend_i32_s (local.get 0))))
