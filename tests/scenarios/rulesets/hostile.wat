;; Extension functions that misbehave, for the hostile-extension scenarios: each is stopped by its
;; limit and only its own promotion is affected.
(module
  (memory 1)
  (func (export "spin") (param i64) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))
  (func (export "hog") (param i64) (result i64)
    (loop $more (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (i64.const 0))
  (func (export "crash") (param i64) (result i64)
    unreachable)
  (func (export "seven") (param i64) (result i32)
    (i32.const 7))
  (func (export "vip") (param i64) (result i32)
    (i64.ge_s (local.get 0) (i64.const 1000))))
