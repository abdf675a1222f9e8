//! Source parsing + header probe + decode + both tile plans, on arbitrary input. A panic
//! here is a bug: every bad input must come back as an `Err`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vlmserve::image::decode::{decode, probe, DecodeOptions};
use vlmserve::image::source::{read_source, ImageSource, SourcePolicy};
use vlmserve::tiling::{InternVl3Config, MllamaConfig};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // The first byte picks how the rest arrives: raw bytes, or text the way Python hands
    // strings over (base64, data URL, or whatever `guess` makes of it).
    let text = String::from_utf8_lossy(rest);
    let source = match mode % 4 {
        0 => ImageSource::Bytes(rest.to_vec()),
        1 => ImageSource::Base64(text.into_owned()),
        2 => ImageSource::DataUrl(format!("data:image/png;base64,{text}")),
        _ => ImageSource::guess(&text),
    };
    let policy = SourcePolicy::default(); // no roots, no URLs: nothing leaves the process
    let Ok(bytes) = read_source(&source, &policy) else {
        return;
    };
    let opts = DecodeOptions {
        max_pixels: 1 << 22, // keep each run small; the limit itself is under test too
        ..DecodeOptions::default()
    };
    if let Ok(info) = probe(&bytes) {
        let _ = InternVl3Config::default().plan(info.width, info.height);
        let _ = MllamaConfig::default().plan(info.width, info.height);
    }
    if let Ok(img) = decode(&bytes, &opts) {
        assert_eq!(img.pixels.len(), img.width * img.height * 3);
    }
});
