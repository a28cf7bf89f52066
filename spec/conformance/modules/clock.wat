;; Imports a clock: not allowed in an extension.
(module
  (import "env" "now" (func $now (result i64)))
  (func (export "now_score") (param i64) (result i64)
    (call $now)))
