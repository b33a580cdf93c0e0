;; Hand-written WebAssembly SIMD loops for the kernel pack, run on the tfjs wasm backend's own
;; memory (imported), so they read and write tensors in place. Pointers and sizes are in bytes.
;; Compiled into kernels-wasm.ts by build-simd.mjs (wabt's wat2wasm); edit this file, not that one.
(module
  (import "env" "memory" (memory 0))

  ;; MaxPoolGrad for 2×2 windows with stride 2 inside the input, channels a multiple of 4.
  ;; Each window writes its four dX elements once: dY at the first maximum in row-major order, +0
  ;; elsewhere, like the cpu backend's strict > from −∞ (NaN never wins; a window of NaN/−∞ routes
  ;; nothing). NaN becomes −∞, then pairwise ≥ keeps the earlier element on ties and the top row
  ;; beats the bottom row on a tie; dY is masked out where the maximum is −∞.
  ;; x, dx: [n, h, w, c] (image = h·w·c·4 bytes, row = w·c·4); dy: [n, oh, ow, c].
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $oh i32) (param $ow i32)
    (param $c4 i32) (param $row i32) (param $image i32)
    (local $i i32) (local $y i32) (local $xo i32) (local $d i32) (local $base i32) (local $o i32)
    (local $a v128) (local $b v128) (local $e v128) (local $f v128) (local $t v128) (local $u v128)
    (local $g1 v128) (local $g2 v128) (local $g v128) (local $v v128) (local $ninf v128)
    (local.set $ninf (f32x4.splat (f32.const -inf)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $n) (local.get $oh)) (i32.mul (local.get $ow) (local.get $c4)))) (then (return)))
    (loop $images
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $base (i32.add (i32.mul (local.get $i) (local.get $image))
                                  (i32.mul (i32.shl (local.get $y) (i32.const 1)) (local.get $row))))
        (local.set $xo (i32.const 0))
        (loop $cols
          (local.set $d (i32.const 0))
          (loop $chans
            (local.set $o (i32.add (local.get $base) (local.get $d)))
            (local.set $a (v128.load (i32.add (local.get $x) (local.get $o))))
            (local.set $b (v128.load (i32.add (i32.add (local.get $x) (local.get $o)) (local.get $c4))))
            (local.set $e (v128.load (i32.add (i32.add (local.get $x) (local.get $o)) (local.get $row))))
            (local.set $f (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $o)) (local.get $row)) (local.get $c4))))
            (local.set $a (v128.bitselect (local.get $a) (local.get $ninf) (f32x4.eq (local.get $a) (local.get $a))))
            (local.set $b (v128.bitselect (local.get $b) (local.get $ninf) (f32x4.eq (local.get $b) (local.get $b))))
            (local.set $e (v128.bitselect (local.get $e) (local.get $ninf) (f32x4.eq (local.get $e) (local.get $e))))
            (local.set $f (v128.bitselect (local.get $f) (local.get $ninf) (f32x4.eq (local.get $f) (local.get $f))))
            (local.set $g1 (f32x4.ge (local.get $a) (local.get $b)))
            (local.set $t (v128.bitselect (local.get $a) (local.get $b) (local.get $g1)))
            (local.set $g2 (f32x4.ge (local.get $e) (local.get $f)))
            (local.set $u (v128.bitselect (local.get $e) (local.get $f) (local.get $g2)))
            (local.set $g (f32x4.ge (local.get $t) (local.get $u)))
            (local.set $v (v128.and (v128.load (local.get $dy))
                                    (f32x4.gt (v128.bitselect (local.get $t) (local.get $u) (local.get $g)) (local.get $ninf))))
            (v128.store (i32.add (local.get $dx) (local.get $o))
                        (v128.and (local.get $v) (v128.and (local.get $g) (local.get $g1))))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $o)) (local.get $c4))
                        (v128.and (local.get $v) (v128.andnot (local.get $g) (local.get $g1))))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $o)) (local.get $row))
                        (v128.andnot (v128.and (local.get $v) (local.get $g2)) (local.get $g)))
            (v128.store (i32.add (i32.add (i32.add (local.get $dx) (local.get $o)) (local.get $row)) (local.get $c4))
                        (v128.andnot (v128.andnot (local.get $v) (local.get $g)) (local.get $g2)))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br_if $chans (i32.lt_u (local.get $d) (local.get $c4))))
          (local.set $base (i32.add (local.get $base) (i32.shl (local.get $c4) (i32.const 1))))
          (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $xo) (local.get $ow))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $i) (local.get $n)))))
)
