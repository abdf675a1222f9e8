//! Fixtures in `tests/fixtures/decode/` were written by `make_fixtures.py` with Pillow 13.0;
//! each `NAME.rgb` is Pillow's `exif_transpose(open(f)).convert("RGB")`.
use super::*;
use crate::error::Error;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decode")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn sizes() -> Vec<(String, usize, usize)> {
    std::fs::read_to_string(dir().join("sizes.txt"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Vec<&str> = l.split(' ').collect();
            (
                v[0].to_string(),
                v[1].parse().unwrap(),
                v[2].parse().unwrap(),
            )
        })
        .collect()
}

fn max_diff(a: &[u8], b: &[u8]) -> u8 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

#[test]
fn every_fixture_matches_pillow() {
    let all = sizes();
    assert!(all.len() >= 35, "fixtures missing");
    for (name, w, h) in all {
        let data = read(&name);
        let img =
            decode(&data, &DecodeOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((img.width, img.height), (w, h), "{name}");
        let info = probe(&data).unwrap();
        assert_eq!((info.width, info.height), (w, h), "{name} probe");
        let stem = name.rsplit_once('.').unwrap().0;
        let expected = read(&format!("{stem}.rgb"));
        // Lossy WebP included: image-webp matched libwebp exactly on every image tried.
        let d = max_diff(&img.pixels, &expected);
        assert_eq!(d, 0, "{name}: max diff {d}");

        let white_path = dir().join(format!("{stem}.white.rgb"));
        if white_path.exists() {
            let opts = DecodeOptions {
                alpha: AlphaMode::White,
                ..Default::default()
            };
            let img = decode(&data, &opts).unwrap();
            let expected = std::fs::read(white_path).unwrap();
            assert_eq!(max_diff(&img.pixels, &expected), 0, "{name} on white");
        }
    }
}

#[test]
fn probe_reports_format_and_orientation() {
    for o in 1..=8u8 {
        let info = probe(&read(&format!("jpeg_orient{o}.jpg"))).unwrap();
        assert_eq!(info.orientation, o);
        assert_eq!(info.format, Format::Jpeg);
        let (w, h) = if o >= 5 { (3, 5) } else { (5, 3) };
        assert_eq!((info.width, info.height), (w, h), "orientation {o}");
    }
    let info = probe(&read("png_exif6.png")).unwrap();
    assert_eq!((info.format, info.orientation), (Format::Png, 6));
    let info = probe(&read("tiff_orient8.tif")).unwrap();
    assert_eq!((info.format, info.orientation), (Format::Tiff, 8));
    assert_eq!(probe(&read("bmp_rgb.bmp")).unwrap().format, Format::Bmp);
    assert_eq!(
        probe(&read("webp_lossy.webp")).unwrap().format,
        Format::WebP
    );
}

#[test]
fn orientation_can_be_left_alone() {
    let data = read("jpeg_orient6.jpg");
    let opts = DecodeOptions {
        apply_exif_orientation: false,
        ..Default::default()
    };
    let raw = decode(&data, &opts).unwrap();
    assert_eq!((raw.width, raw.height), (5, 3));
    // The stored pixels equal orientation 1's (same encoder input, same quality).
    assert_eq!(raw.pixels, read("jpeg_orient1.rgb"));
}

#[test]
fn orient_matches_pil_transpose_definitions() {
    // 3x2 image with distinct pixels 0..6; expected index order per Pillow's transpose.
    let src = RgbImage::new(3, 2, (0..6u8).flat_map(|v| [v, v, v]).collect());
    let cases: [(u8, usize, usize, [u8; 6]); 7] = [
        (2, 3, 2, [2, 1, 0, 5, 4, 3]),
        (3, 3, 2, [5, 4, 3, 2, 1, 0]),
        (4, 3, 2, [3, 4, 5, 0, 1, 2]),
        (5, 2, 3, [0, 3, 1, 4, 2, 5]),
        (6, 2, 3, [3, 0, 4, 1, 5, 2]),
        (7, 2, 3, [5, 2, 4, 1, 3, 0]),
        (8, 2, 3, [2, 5, 1, 4, 0, 3]),
    ];
    for (o, w, h, order) in cases {
        let out = convert::orient(src.clone(), o);
        assert_eq!((out.width, out.height), (w, h), "orientation {o}");
        let got: Vec<u8> = out.pixels.chunks(3).map(|p| p[0]).collect();
        assert_eq!(got, order, "orientation {o}");
    }
}

fn is_invalid(r: crate::error::Result<RgbImage>) -> bool {
    matches!(r, Err(Error::InvalidImage(_)))
}

#[test]
fn empty_garbage_and_truncated_inputs_are_invalid() {
    let opts = DecodeOptions::default();
    assert!(is_invalid(decode(&[], &opts)));
    assert!(matches!(probe(&[]), Err(Error::InvalidImage(_))));
    assert!(is_invalid(decode(&[0xFF, 0xD8, 0xFF], &opts)));
    let garbage: Vec<u8> = (0..500u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(matches!(
        decode(&garbage, &opts),
        Err(Error::UnsupportedFormat(_))
    ));
    for name in [
        "jpeg_444.jpg",
        "jpeg_prog.jpg",
        "png_rgb.png",
        "tiff_cmyk.tif",
        "webp_lossy.webp",
        "bmp_rgb.bmp",
    ] {
        let data = read(name);
        for cut in [data.len() / 3, data.len() / 2, data.len() - 20] {
            let r = decode(&data[..cut], &opts);
            assert!(is_invalid(r.clone()), "{name} cut at {cut}: {r:?}");
        }
    }
    // Corrupt the middle of a PNG's IDAT: CRC/zlib errors, not a panic.
    let mut png = read("png_rgba.png");
    let mid = png.len() / 2;
    png[mid..mid + 8].fill(0x55);
    assert!(decode(&png, &opts).is_err());
}

#[test]
fn jpeg_eoi_rules_follow_pillow() {
    // Pillow 13 calls a JPEG without its final EOI marker truncated, but ignores trailing junk.
    let data = read("jpeg_444.jpg");
    assert!(data.ends_with(&[0xFF, 0xD9]));
    for cut in 1..=2 {
        let r = decode(&data[..data.len() - cut], &DecodeOptions::default());
        assert!(is_invalid(r.clone()), "{r:?}");
    }
    let mut junk = data.clone();
    junk.extend_from_slice(b"trailing junk");
    let img = decode(&junk, &DecodeOptions::default()).unwrap();
    assert_eq!(img.pixels, read("jpeg_444.rgb"));
}

#[test]
fn decompression_bomb_is_refused_from_the_header() {
    // 100000 x 100000 PNG header with no pixel data at all.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let r = decode(&png, &DecodeOptions::default());
    assert!(
        matches!(
            r,
            Err(Error::ImageTooLarge {
                width: 100_000,
                height: 100_000,
                ..
            })
        ),
        "{r:?}"
    );
    let info = probe(&png).unwrap();
    assert_eq!((info.width, info.height), (100_000, 100_000));
    // Same for a JPEG SOF claiming 65535 x 65535.
    let mut jpg = read("jpeg_444.jpg");
    let sof = jpg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpg[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let r = decode(&jpg, &DecodeOptions::default());
    assert!(matches!(r, Err(Error::ImageTooLarge { .. })), "{r:?}");
    // A small limit applies to ordinary images too.
    let opts = DecodeOptions {
        max_pixels: 10,
        ..Default::default()
    };
    assert!(matches!(
        decode(&read("png_rgb.png"), &opts),
        Err(Error::ImageTooLarge { pixels: 20, .. })
    ));
}

#[test]
fn unsupported_formats_are_named() {
    let gif = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
    match decode(gif, &DecodeOptions::default()) {
        Err(Error::UnsupportedFormat(msg)) => {
            assert!(
                msg.contains("GIF") && msg.contains("JPEG, PNG, TIFF, BMP and WebP"),
                "{msg}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(probe(gif), Err(Error::UnsupportedFormat(_))));
    // 12-bit JPEG: Pillow refuses it too.
    let mut jpg = read("jpeg_444.jpg");
    let sof = jpg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpg[sof + 4] = 12;
    assert!(matches!(
        decode(&jpg, &DecodeOptions::default()),
        Err(Error::UnsupportedFormat(_))
    ));
}

#[test]
fn from_interleaved_converts_like_pillow() {
    let l = from_interleaved(&[0, 128, 255], 3, 1, 1, AlphaMode::Drop).unwrap();
    assert_eq!(l.pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255]);
    let la = [10, 0, 10, 128, 10, 255];
    let drop = from_interleaved(&la, 3, 1, 2, AlphaMode::Drop).unwrap();
    assert_eq!(drop.pixels, [10; 9]);
    let white = from_interleaved(&la, 3, 1, 2, AlphaMode::White).unwrap();
    // Image.alpha_composite(white, LA(10, a).convert("RGBA")) for a = 0, 128, 255.
    assert_eq!(white.pixels, [255, 255, 255, 132, 132, 132, 10, 10, 10]);
    let rgba = [200, 100, 0, 64];
    assert_eq!(
        from_interleaved(&rgba, 1, 1, 4, AlphaMode::Drop)
            .unwrap()
            .pixels,
        [200, 100, 0]
    );
    assert_eq!(
        from_interleaved(&rgba, 1, 1, 4, AlphaMode::White)
            .unwrap()
            .pixels,
        [241, 216, 191]
    );
    let rgb = [1, 2, 3, 4, 5, 6];
    assert_eq!(
        from_interleaved(&rgb, 2, 1, 3, AlphaMode::White)
            .unwrap()
            .pixels,
        rgb
    );
    assert!(matches!(
        from_interleaved(&rgb, 2, 2, 3, AlphaMode::Drop),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        from_interleaved(&rgb, 1, 1, 5, AlphaMode::Drop),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn over_white_matches_pillow_alpha_composite_everywhere() {
    // Direct transcription of AlphaComposite.c with dst = (255, 255, 255, 255).
    for a in 0..=255u32 {
        for c in 0..=255u32 {
            let expected = if a == 0 {
                255
            } else {
                let blend = 255 * (255 - a);
                let outa255 = a * 255 + blend;
                let coef1 = a * 255 * 255 * 128 / outa255;
                let coef2 = 255 * 128 - coef1;
                let t = c * coef1 + 255 * coef2 + (0x80 << 7);
                (((t >> 8) + t) >> 8) >> 7
            };
            assert_eq!(u32::from(convert::over_white(c as u8, a as u8)), expected);
        }
    }
}

#[test]
fn rust_encoded_images_round_trip() {
    use image::ImageEncoder;
    // PNG / BMP / TIFF / lossless WebP written by the image crate decode to the same pixels.
    let (w, h) = (7u32, 5u32);
    let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 256) as u8).collect();
    let mut outs: Vec<Vec<u8>> = Vec::new();
    let mut buf = Vec::new();
    image::codecs::png::PngEncoder::new(&mut buf)
        .write_image(&rgb, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    outs.push(std::mem::take(&mut buf));
    image::codecs::bmp::BmpEncoder::new(&mut buf)
        .write_image(&rgb, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    outs.push(std::mem::take(&mut buf));
    let mut cur = std::io::Cursor::new(Vec::new());
    image::codecs::tiff::TiffEncoder::new(&mut cur)
        .write_image(&rgb, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    outs.push(cur.into_inner());
    image::codecs::webp::WebPEncoder::new_lossless(&mut buf)
        .write_image(&rgb, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    outs.push(std::mem::take(&mut buf));
    for data in outs {
        let img = decode(&data, &DecodeOptions::default()).unwrap();
        assert_eq!((img.width, img.height), (7, 5));
        assert_eq!(img.pixels, rgb);
    }
}

#[test]
fn a_failed_jpeg_decode_does_not_poison_the_next_one() {
    let opts = DecodeOptions::default();
    let good = read("jpeg_420.jpg");
    let expect = decode(&good, &opts).unwrap();
    let mut seed = 12345u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (seed >> 8) as usize
    };
    for _ in 0..200 {
        let mut bad = read("jpeg_444.jpg");
        for _ in 0..8 {
            let i = next() % bad.len();
            bad[i] = next() as u8;
        }
        let _ = decode(&bad, &opts);
        assert_eq!(decode(&good, &opts).unwrap(), expect);
    }
}
