use super::coeffs::{Coeffs, HALF, PRECISION_BITS};
use super::kernels::Backend;
use super::*;

const ALL: [Filter; 6] = [
    Filter::Nearest,
    Filter::Box,
    Filter::Bilinear,
    Filter::Hamming,
    Filter::Bicubic,
    Filter::Lanczos,
];

/// Deterministic xorshift noise image.
fn noise(w: usize, h: usize, seed: u64) -> RgbImage {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let px = (0..w * h * 3)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect();
    RgbImage::new(w, h, px)
}

/// Document-like: white page, black text strokes and a coloured bar (hard edges overshoot).
fn document(w: usize, h: usize) -> RgbImage {
    let mut px = vec![255u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) * 3;
            let text = (y % 12 < 2 || (y % 12 < 9 && x % 7 == 3)) && x % 40 < 33;
            if text {
                px[i..i + 3].fill(0);
            } else if y * 5 / h.max(1) == 2 && x < w / 2 {
                px[i..i + 3].copy_from_slice(&[200, 30, 60]);
            }
        }
    }
    RgbImage::new(w, h, px)
}

/// Straight port of Pillow's algorithm without the padding/shifting or SIMD: unpadded
/// windows, and the horizontal-first pass covers exactly `[ybox_first, ybox_last)`.
fn reference(src: &RgbImage, w: usize, h: usize, f: Filter) -> Vec<u8> {
    let clip = |a: i32| (a >> PRECISION_BITS).clamp(0, 255) as u8;
    let fixed = |c: &Coeffs, i: usize| -> (usize, Vec<i32>) {
        let (xmin, len) = c.bounds[i];
        let off = xmin - c.start[i];
        (xmin, c.taps(i)[off..off + len].to_vec())
    };
    let horiz = |img: &[u8], iw: usize, rows: std::ops::Range<usize>, c: &Coeffs| {
        let mut out = Vec::new();
        for y in rows {
            for xx in 0..w {
                let (xmin, k) = fixed(c, xx);
                for ch in 0..3 {
                    let mut acc = HALF;
                    for (t, &kw) in k.iter().enumerate() {
                        acc += i32::from(img[(y * iw + xmin + t) * 3 + ch]) * kw;
                    }
                    out.push(clip(acc));
                }
            }
        }
        out
    };
    let vert = |img: &[u8], iw: usize, shift: usize, c: &Coeffs| {
        let mut out = Vec::new();
        for yy in 0..h {
            let (ymin, k) = fixed(c, yy);
            for x in 0..iw * 3 {
                let mut acc = HALF;
                for (t, &kw) in k.iter().enumerate() {
                    acc += i32::from(img[(ymin - shift + t) * iw * 3 + x]) * kw;
                }
                out.push(clip(acc));
            }
        }
        out
    };
    let (iw, ih) = (src.width, src.height);
    let hc = Coeffs::new(iw, w, f);
    let vc = Coeffs::new(ih, h, f);
    match (w != iw, h != ih) {
        (false, false) => src.pixels.clone(),
        (true, false) => horiz(&src.pixels, iw, 0..ih, &hc),
        (false, true) => vert(&src.pixels, iw, 0, &vc),
        (true, true) if vertical_first(iw, ih, w, h) => {
            horiz(&vert(&src.pixels, iw, 0, &vc), iw, 0..h, &hc)
        }
        (true, true) => {
            let first = vc.bounds[0].0;
            let last = vc.bounds[h - 1].0 + vc.bounds[h - 1].1;
            vert(&horiz(&src.pixels, iw, first..last, &hc), w, first, &vc)
        }
    }
}

fn run(backend: Backend, src: &RgbImage, w: usize, h: usize, f: Filter) -> Vec<u8> {
    let mut out = vec![0u8; w * h * 3];
    resize_impl(backend, src.view(), w, h, f, super::as_out(&mut out));
    out
}

fn max_diff(a: &[u8], b: &[u8]) -> u8 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

// Keep in sync with SIZES in tests/fixtures/resize/make_fixtures.py.
const FIXTURE_SIZES: [(usize, usize); 8] = [
    (4, 25),
    (7, 5),
    (20, 4),
    (13, 6),
    (16, 11),
    (5, 2),
    (12, 3),
    (1, 1),
];

#[test]
fn matches_pillow_fixtures() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/resize/");
    let input = std::fs::read(format!("{dir}input.rgb")).unwrap();
    let src = RgbImage::new(13, 11, input);
    for (f, name) in ALL.iter().zip([
        "nearest", "box", "bilinear", "hamming", "bicubic", "lanczos",
    ]) {
        let expected = std::fs::read(format!("{dir}{name}.rgb")).unwrap();
        let mut off = 0;
        for &(w, h) in &FIXTURE_SIZES {
            let want = &expected[off..off + w * h * 3];
            off += w * h * 3;
            let got = resize(src.view(), w, h, *f).unwrap();
            assert_eq!(got.pixels, want, "{name} 13x11 -> {w}x{h}");
            assert_eq!(
                run(Backend::Scalar, &src, w, h, *f),
                want,
                "scalar {name} {w}x{h}"
            );
        }
        assert_eq!(off, expected.len());
    }
}

#[test]
fn kernels_match_reference_port() {
    let mut seed = 7u64;
    let mut next = |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize % m) + 1
    };
    for case in 0..120 {
        let (iw, ih) = (next(90), next(90));
        let (w, h) = (next(120), next(120));
        let src = if case % 3 == 0 {
            document(iw, ih)
        } else {
            noise(iw, ih, case)
        };
        for f in &ALL[1..] {
            let want = reference(&src, w, h, *f);
            for backend in Backend::available() {
                let got = run(backend, &src, w, h, *f);
                assert_eq!(
                    max_diff(&got, &want),
                    0,
                    "{backend:?} {f:?} {iw}x{ih} -> {w}x{h}"
                );
            }
            assert_eq!(run(Backend::Scalar, &src, w, h, *f), want);
        }
    }
}

#[test]
fn edge_shapes() {
    for (iw, ih, w, h) in [
        (1, 1, 5, 7),
        (1, 9, 1, 3),
        (9, 1, 3, 1),
        (447, 449, 448, 448),
        (3, 2, 1, 1),
        (64, 64, 64, 64),
    ] {
        let src = noise(iw, ih, (iw * ih) as u64);
        for f in ALL {
            let got = resize(src.view(), w, h, f).unwrap();
            assert_eq!((got.width, got.height), (w, h));
            if f != Filter::Nearest {
                assert_eq!(
                    got.pixels,
                    reference(&src, w, h, f),
                    "{f:?} {iw}x{ih}->{w}x{h}"
                );
            }
        }
    }
    let same = noise(5, 4, 1);
    assert_eq!(resize(same.view(), 5, 4, Filter::Bicubic).unwrap(), same);
}

#[test]
fn pass_order_rule() {
    // Much more height than width removed: vertical first.
    assert!(vertical_first(100, 100, 90, 50));
    assert!(vertical_first(10, 23, 12, 3));
    // Width shrinks comparably: horizontal first, as before Pillow 13.
    assert!(!vertical_first(2480, 3508, 1344, 1792));
    assert!(!vertical_first(100, 100, 50, 50));
    assert!(!vertical_first(100, 100, 100, 120));
}

#[test]
fn rejects_empty() {
    let src = noise(4, 4, 3);
    for (w, h) in [(0, 4), (4, 0), (0, 0)] {
        let err = resize(src.view(), w, h, Filter::Bilinear).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(ref m) if m.contains("at least 1")));
    }
    let empty = RgbRef::new(0, 3, &[]);
    assert!(matches!(
        resize(empty, 2, 2, Filter::Box),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn strips_match_reference() {
    // Tall enough that the intermediate buffer is refilled several times, in both pass
    // orders (the first two are vertical-first, the others horizontal-first).
    for (i, (iw, ih, w, h, f)) in [
        (300, 2400, 200, 700, Filter::Bicubic),
        (120, 3000, 500, 2950, Filter::Lanczos),
        (300, 2400, 100, 2000, Filter::Bicubic),
        (400, 3000, 100, 2600, Filter::Bilinear),
        (200, 1500, 333, 1700, Filter::Hamming),
    ]
    .into_iter()
    .enumerate()
    {
        // The first two are vertical-first, the others horizontal-first.
        assert_eq!(vertical_first(iw, ih, w, h), i < 2);
        let src = noise(iw, ih, (iw + ih) as u64);
        let want = reference(&src, w, h, f);
        for backend in Backend::available() {
            let got = run(backend, &src, w, h, f);
            assert_eq!(
                max_diff(&got, &want),
                0,
                "{backend:?} {f:?} {iw}x{ih}->{w}x{h}"
            );
        }
    }
}

#[test]
fn resize_into_reuses_buffers() {
    let src = noise(37, 29, 5);
    let mut buf = vec![7u8; 20 * 11 * 3];
    resize_into(src.view(), &mut buf, 20, 11, Filter::Bicubic).unwrap();
    assert_eq!(
        buf,
        resize(src.view(), 20, 11, Filter::Bicubic).unwrap().pixels
    );
    let err = resize_into(src.view(), &mut buf, 21, 11, Filter::Bicubic).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(ref m) if m.contains("width * height * 3")));
}

#[test]
fn horizontal_tap_layouts_match_reference() {
    // Horizontal-only shrinks of one width to tap counts from 4 to 31: the AVX-512 pass
    // packs five or four pixels (spans that fit one load; fixed and looped chunk counts), pairs
    // (<= 8 taps spread wider, BOX) or single pixels per vector. Odd row counts cover the
    // one-row tail and widths not divisible by 4 or 5 the partial last group.
    let src = noise(400, 7, 11);
    for w in [
        399, 250, 171, 150, 130, 113, 101, 90, 83, 79, 73, 70, 61, 53,
    ] {
        for f in [
            Filter::Bicubic,
            Filter::Lanczos,
            Filter::Bilinear,
            Filter::Box,
        ] {
            let want = reference(&src, w, 7, f);
            for backend in Backend::available() {
                let got = run(backend, &src, w, 7, f);
                assert_eq!(max_diff(&got, &want), 0, "{backend:?} {f:?} 400->{w}");
            }
        }
    }
}

#[test]
fn writes_every_byte() {
    // `resize` does not zero its output first; whatever a buffer held before, the result
    // must be the same (every byte overwritten), in every code path and backend.
    for (iw, ih, w, h) in [
        (37, 29, 37, 29),   // copy
        (37, 29, 37, 11),   // vertical only
        (37, 29, 101, 29),  // horizontal only
        (37, 29, 13, 27),   // horizontal first
        (37, 290, 31, 17),  // vertical first
        (400, 700, 83, 61), // several strips
        (5, 3, 40, 2),      // NEAREST rows and columns without a source
    ] {
        let src = noise(iw, ih, (iw + ih) as u64);
        for f in ALL {
            for backend in Backend::available() {
                let [a, b] = [0u8, 0xa5].map(|fill| {
                    let mut out = vec![fill; w * h * 3];
                    resize_impl(backend, src.view(), w, h, f, super::as_out(&mut out));
                    out
                });
                assert_eq!(a, b, "{backend:?} {f:?} {iw}x{ih}->{w}x{h}");
            }
        }
    }
}
