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
;; Conv2DBackpropFilter, NHWC, Co a multiple of 4:
  ;;   dW[a, b, i, o] += Σ_{n, y, x} X[n, y·sh + a − top, x·sw + b − left, i] · dY[n, y, x, o]
  ;; with X zero outside [0, h) × [0, w): taps falling into the padding are skipped, rows whole and
  ;; columns by clipping the x range. One output row of dY (ow·Co floats, cache-resident) at a
  ;; time: for every (a, b, i) and every 16 output channels four accumulators (or, for the last
  ;; channels in fours, two: even and odd x) run along the row, then add into dW, which the caller zeroes. Sizes are element counts here;
  ;; x: [n, h, w, ci], dy: [n, oh, ow, co].
  (func (export "conv2dBackpropFilter")
    (param $x i32) (param $dy i32) (param $dw i32) (param $n i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $kh i32) (param $kw i32) (param $ci i32) (param $co i32)
    (param $h i32) (param $w i32) (param $top i32) (param $left i32)
    (local $xPixel i32) (local $xRow i32) (local $xImage i32) (local $dyPixel i32) (local $xStep i32)
    (local $img i32) (local $y i32) (local $a i32) (local $b i32) (local $i i32) (local $o i32)
    (local $dyRow i32) (local $inRow i32) (local $xFrom i32) (local $xTo i32) (local $lim i32)
    (local $xStart i32) (local $dyStart i32) (local $px i32) (local $pd i32)
    (local $left2 i32) (local $dwp i32) (local $tapBytes i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $s v128)
    (if (i32.eqz (i32.mul (i32.mul (local.get $n) (local.get $oh)) (i32.mul (local.get $ow) (local.get $co)))) (then (return)))
    (local.set $xPixel (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $xRow (i32.mul (local.get $w) (local.get $xPixel)))
    (local.set $xImage (i32.mul (local.get $h) (local.get $xRow)))
    (local.set $dyPixel (i32.shl (local.get $co) (i32.const 2)))
    (local.set $xStep (i32.mul (local.get $sw) (local.get $xPixel)))
    ;; dW bytes per (a, b): ci rows of co floats
    (local.set $tapBytes (i32.mul (local.get $ci) (local.get $dyPixel)))
    (local.set $dyRow (local.get $dy))
    (loop $images
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $a (i32.const 0))
        (loop $taps_a
          (local.set $inRow (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $a)) (local.get $top)))
          (if (i32.and (i32.ge_s (local.get $inRow) (i32.const 0)) (i32.lt_s (local.get $inRow) (local.get $h)))
            (then
              (local.set $b (i32.const 0))
              (loop $taps_b
                ;; x range whose column x·sw + b − left lies in [0, w)
                (local.set $xFrom (i32.sub (local.get $left) (local.get $b)))
                (local.set $xFrom (select (i32.div_s (i32.add (local.get $xFrom) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw))
                                          (i32.const 0) (i32.gt_s (local.get $xFrom) (i32.const 0))))
                (local.set $lim (i32.sub (i32.add (i32.sub (local.get $w) (i32.const 1)) (local.get $left)) (local.get $b)))
                (local.set $xTo (select (i32.add (i32.div_s (local.get $lim) (local.get $sw)) (i32.const 1))
                                        (i32.const 0) (i32.ge_s (local.get $lim) (i32.const 0))))
                (local.set $xTo (select (local.get $ow) (local.get $xTo) (i32.gt_s (local.get $xTo) (local.get $ow))))
                (if (i32.gt_s (local.get $xTo) (local.get $xFrom))
                  (then
                    (local.set $dwp (i32.add (local.get $dw) (i32.mul (i32.add (i32.mul (local.get $a) (local.get $kw)) (local.get $b)) (local.get $tapBytes))))
                    (local.set $xStart (i32.add (i32.add (local.get $x) (i32.mul (local.get $img) (local.get $xImage)))
                      (i32.add (i32.mul (local.get $inRow) (local.get $xRow))
                               (i32.mul (i32.sub (i32.add (i32.mul (local.get $xFrom) (local.get $sw)) (local.get $b)) (local.get $left)) (local.get $xPixel)))))
                    (local.set $dyStart (i32.add (local.get $dyRow) (i32.mul (local.get $xFrom) (local.get $dyPixel))))
                    (local.set $i (i32.const 0))
                    (loop $chans_in
                      (local.set $o (i32.const 0))
                      (loop $chans_out
                        (if (i32.le_u (i32.add (local.get $o) (i32.const 16)) (local.get $co))
                          (then
                            ;; 16 output channels at once: one splat of X feeds four accumulators.
                            (local.set $acc0 (v128.const i32x4 0 0 0 0))
                            (local.set $acc1 (v128.const i32x4 0 0 0 0))
                            (local.set $acc2 (v128.const i32x4 0 0 0 0))
                            (local.set $acc3 (v128.const i32x4 0 0 0 0))
                            (local.set $px (i32.add (local.get $xStart) (i32.shl (local.get $i) (i32.const 2))))
                            (local.set $pd (i32.add (local.get $dyStart) (i32.shl (local.get $o) (i32.const 2))))
                            (local.set $left2 (i32.sub (local.get $xTo) (local.get $xFrom)))
                            (loop $px16
                              (local.set $s (f32x4.splat (f32.load (local.get $px))))
                              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $s) (v128.load (local.get $pd)))))
                              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $pd)))))
                              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $pd)))))
                              (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $pd)))))
                              (local.set $px (i32.add (local.get $px) (local.get $xStep)))
                              (local.set $pd (i32.add (local.get $pd) (local.get $dyPixel)))
                              (local.set $left2 (i32.sub (local.get $left2) (i32.const 1)))
                              (br_if $px16 (local.get $left2)))
                            (v128.store (local.get $dwp) (f32x4.add (v128.load (local.get $dwp)) (local.get $acc0)))
                            (v128.store offset=16 (local.get $dwp) (f32x4.add (v128.load offset=16 (local.get $dwp)) (local.get $acc1)))
                            (v128.store offset=32 (local.get $dwp) (f32x4.add (v128.load offset=32 (local.get $dwp)) (local.get $acc2)))
                            (v128.store offset=48 (local.get $dwp) (f32x4.add (v128.load offset=48 (local.get $dwp)) (local.get $acc3)))
                            (local.set $dwp (i32.add (local.get $dwp) (i32.const 64)))
                            (local.set $o (i32.add (local.get $o) (i32.const 16))))
                          (else
                            (local.set $acc0 (v128.const i32x4 0 0 0 0))
                            (local.set $acc1 (v128.const i32x4 0 0 0 0))
                            (local.set $px (i32.add (local.get $xStart) (i32.shl (local.get $i) (i32.const 2))))
                            (local.set $pd (i32.add (local.get $dyStart) (i32.shl (local.get $o) (i32.const 2))))
                            (local.set $left2 (i32.sub (local.get $xTo) (local.get $xFrom)))
                            (block $pairs_done
                              (br_if $pairs_done (i32.lt_u (local.get $left2) (i32.const 2)))
                              (loop $pairs
                                (local.set $acc0 (f32x4.add (local.get $acc0)
                                  (f32x4.mul (f32x4.splat (f32.load (local.get $px))) (v128.load (local.get $pd)))))
                                (local.set $acc1 (f32x4.add (local.get $acc1)
                                  (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $px) (local.get $xStep))))
                                             (v128.load (i32.add (local.get $pd) (local.get $dyPixel))))))
                                (local.set $px (i32.add (local.get $px) (i32.shl (local.get $xStep) (i32.const 1))))
                                (local.set $pd (i32.add (local.get $pd) (i32.shl (local.get $dyPixel) (i32.const 1))))
                                (local.set $left2 (i32.sub (local.get $left2) (i32.const 2)))
                                (br_if $pairs (i32.ge_u (local.get $left2) (i32.const 2)))))
                            (if (local.get $left2)
                              (then
                                (local.set $acc0 (f32x4.add (local.get $acc0)
                                  (f32x4.mul (f32x4.splat (f32.load (local.get $px))) (v128.load (local.get $pd)))))))
                            (v128.store (local.get $dwp)
                              (f32x4.add (v128.load (local.get $dwp)) (f32x4.add (local.get $acc0) (local.get $acc1))))
                            (local.set $dwp (i32.add (local.get $dwp) (i32.const 16)))
                            (local.set $o (i32.add (local.get $o) (i32.const 4)))))
                        (br_if $chans_out (i32.lt_u (local.get $o) (local.get $co))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $chans_in (i32.lt_u (local.get $i) (local.get $ci))))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br_if $taps_b (i32.lt_u (local.get $b) (local.get $kw))))))
          (local.set $a (i32.add (local.get $a) (i32.const 1)))
          (br_if $taps_a (i32.lt_u (local.get $a) (local.get $kh))))
        (local.set $dyRow (i32.add (local.get $dyRow) (i32.mul (local.get $ow) (local.get $dyPixel))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
      (local.set $img (i32.add (local.get $img) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $img) (local.get $n)))))

  ;; out[r, c] = x[r, c] + bias[c] over `rows` rows of c4 bytes (a multiple of 16): a bias add.
  (func (export "addBias") (param $x i32) (param $bias i32) (param $out i32) (param $rows i32) (param $c4 i32)
    (local $o i32)
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $c4))) (then (return)))
    (loop $rows
      (local.set $o (i32.const 0))
      (loop $chans
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.add (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $bias) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br_if $chans (i32.lt_u (local.get $o) (local.get $c4))))
      (local.set $x (i32.add (local.get $x) (local.get $c4)))
      (local.set $out (i32.add (local.get $out) (local.get $c4)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br_if $rows (local.get $rows))))

  ;; col2im for Conv2DBackpropInput, NHWC, Ci a multiple of 4: dX[n, y·sh + a − top, x·sw + b − left, :]
  ;; += cols[n, y, x, a, b, :] for every tap landing inside [0, h) × [0, w). cols is dY·Wᵀ,
  ;; [n, oh, ow, kh, kw, ci]; dx ([n, h, w, ci]) is zeroed by the caller.
  (func (export "col2im")
    (param $cols i32) (param $dx i32) (param $n i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32)
    (param $kh i32) (param $kw i32) (param $ci i32) (param $h i32) (param $w i32) (param $top i32) (param $left i32)
    (local $ci4 i32) (local $img i32) (local $y i32) (local $xo i32) (local $a i32) (local $b i32) (local $r i32)
    (local $c i32) (local $src i32) (local $dst i32) (local $k i32) (local $imageBase i32)
    (if (i32.eqz (i32.mul (i32.mul (local.get $n) (local.get $oh)) (i32.mul (local.get $ow) (local.get $ci)))) (then (return)))
    (local.set $ci4 (i32.shl (local.get $ci) (i32.const 2)))
    (loop $images
      (local.set $imageBase (i32.add (local.get $dx) (i32.mul (i32.mul (local.get $img) (local.get $h)) (i32.mul (local.get $w) (local.get $ci4)))))
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $xo (i32.const 0))
        (loop $cols_loop
          (local.set $a (i32.const 0))
          (loop $taps_a
            (local.set $r (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $a)) (local.get $top)))
            (local.set $b (i32.const 0))
            (loop $taps_b
              (local.set $c (i32.sub (i32.add (i32.mul (local.get $xo) (local.get $sw)) (local.get $b)) (local.get $left)))
              (if (i32.and (i32.and (i32.ge_s (local.get $r) (i32.const 0)) (i32.lt_s (local.get $r) (local.get $h)))
                           (i32.and (i32.ge_s (local.get $c) (i32.const 0)) (i32.lt_s (local.get $c) (local.get $w))))
                (then
                  (local.set $dst (i32.add (local.get $imageBase) (i32.mul (i32.add (i32.mul (local.get $r) (local.get $w)) (local.get $c)) (local.get $ci4))))
                  (local.set $k (i32.const 0))
                  (loop $chans
                    (v128.store (i32.add (local.get $dst) (local.get $k))
                      (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $k))) (v128.load (i32.add (local.get $cols) (local.get $k)))))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br_if $chans (i32.lt_u (local.get $k) (local.get $ci4))))))
              (local.set $cols (i32.add (local.get $cols) (local.get $ci4)))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br_if $taps_b (i32.lt_u (local.get $b) (local.get $kw))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br_if $taps_a (i32.lt_u (local.get $a) (local.get $kh))))
          (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
          (br_if $cols_loop (i32.lt_u (local.get $xo) (local.get $ow))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
      (local.set $img (i32.add (local.get $img) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $img) (local.get $n)))))
)
