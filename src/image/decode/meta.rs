//! Header parsing (size, colour layout, EXIF/XMP orientation) without decoding pixels.
use super::{Format, SUPPORTED};
use crate::error::{Error, Result};
use std::io::Read;

/// Facts from the header. `width`/`height` are as stored, before orientation.
#[derive(Clone, Debug)]
pub(super) struct Header {
    pub format: Format,
    pub width: usize,
    pub height: usize,
    pub orientation: u8,
    /// JPEG: number of components. PNG: IHDR colour type.
    pub color: u8,
    /// JPEG: sample precision. PNG: IHDR bit depth.
    pub depth: u8,
    /// JPEG: offset of the first SOS segment.
    pub scan: usize,
}

fn sniff(b: &[u8]) -> Result<Format> {
    if b.is_empty() {
        return Err(Error::invalid_image("image data is empty (0 bytes)"));
    }
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if b.starts_with(b"II*\0")
        || b.starts_with(b"MM\0*")
        || b.starts_with(b"II+\0")
        || b.starts_with(b"MM\0+")
    {
        return Ok(Format::Tiff);
    }
    if b.starts_with(b"BM") && b.len() >= 18 {
        return Ok(Format::Bmp);
    }
    if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    let other = [
        (&b"GIF8"[..], "GIF"),
        (b"\0\0\0\x0cjP  ", "JPEG 2000"),
        (b"\xff\x4f\xff\x51", "JPEG 2000"),
        (b"\0\0\x01\0", "ICO"),
        (b"qoif", "QOI"),
        (b"8BPS", "PSD"),
        (b"\x76\x2f\x31\x01", "OpenEXR"),
        (b"%PDF", "PDF"),
    ];
    for (magic, name) in other {
        if b.starts_with(magic) {
            return Err(Error::unsupported(format!(
                "{name} images are not supported; {SUPPORTED}"
            )));
        }
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return Err(Error::unsupported(format!(
            "HEIF/AVIF images are not supported; {SUPPORTED}"
        )));
    }
    if b.len() < 8 {
        return Err(Error::invalid_image(format!(
            "image data is only {} bytes, too short to be an image",
            b.len()
        )));
    }
    Err(Error::unsupported(format!(
        "unrecognised image data (starts with {:02x?}); {SUPPORTED}",
        &b[..b.len().min(8)]
    )))
}

pub(super) fn parse_header(b: &[u8]) -> Result<Header> {
    let format = sniff(b)?;
    let mut h = match format {
        Format::Jpeg => jpeg(b),
        Format::Png => png(b),
        Format::Tiff => tiff(b),
        Format::Bmp => bmp(b),
        Format::WebP => webp(b),
    }?;
    if !(1..=8).contains(&h.orientation) {
        h.orientation = 1;
    }
    Ok(h)
}

fn truncated(what: &str) -> Error {
    Error::invalid_image(format!("truncated or corrupt {what} header"))
}

fn be16(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(i..i + 2)?.try_into().ok()?))
}
fn be32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?))
}
fn le16(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}
fn le32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// Orientation the way `Image.getexif()` finds it: EXIF IFD0 tag 0x0112, else the first
/// `tiff:Orientation` in XMP.
fn orientation_from(exif: Option<&[u8]>, xmp: Option<&[u8]>) -> u8 {
    if let Some(o) = exif.and_then(exif_orientation) {
        return o;
    }
    xmp.and_then(xmp_orientation).unwrap_or(1)
}

/// Orientation tag from an EXIF blob (a TIFF structure, optionally prefixed by `Exif\0\0`).
/// `None` when absent or unreadable; values Pillow would not act on come back as 1.
pub(super) fn exif_orientation(mut d: &[u8]) -> Option<u8> {
    while d.starts_with(b"Exif\0\0") {
        d = &d[6..];
    }
    tiff_ifd0_orientation(d)
}

fn tiff_ifd0_orientation(d: &[u8]) -> Option<u8> {
    let le = match d.get(..4)? {
        b"II*\0" | b"II+\0" => true,
        b"MM\0*" | b"MM\0+" => false,
        _ => return None,
    };
    let big = d[2] == b'+' || d[3] == b'+';
    let u16_at = |i: usize| if le { le16(d, i) } else { be16(d, i) };
    let u32_at = |i: usize| if le { le32(d, i) } else { be32(d, i) };
    let u64_at = |i: usize| -> Option<u64> {
        let v: [u8; 8] = d.get(i..i + 8)?.try_into().ok()?;
        Some(if le {
            u64::from_le_bytes(v)
        } else {
            u64::from_be_bytes(v)
        })
    };
    let (ifd, count, entry_size, first) = if big {
        let off = usize::try_from(u64_at(8)?).ok()?;
        (off, usize::try_from(u64_at(off)?).ok()?, 20, off + 8)
    } else {
        let off = u32_at(4)? as usize;
        (off, usize::from(u16_at(off)?), 12, off + 2)
    };
    let _ = ifd;
    for k in 0..count.min(4096) {
        let e = first + k * entry_size;
        let tag = u16_at(e)?;
        if tag != 0x0112 {
            continue;
        }
        let typ = u16_at(e + 2)?;
        let n = if big {
            u64_at(e + 4)?
        } else {
            u64::from(u32_at(e + 4)?)
        };
        let v = if big { e + 12 } else { e + 8 };
        if n != 1 {
            return Some(1); // a tuple in Pillow: no transpose
        }
        let val = match typ {
            3 => u32::from(u16_at(v)?),
            4 => u32_at(v)?,
            1 => u32::from(*d.get(v)?),
            _ => return Some(1),
        };
        return Some(if (1..=8).contains(&val) { val as u8 } else { 1 });
    }
    None
}

/// Pillow: `re.search(r'tiff:Orientation(="|>)([0-9])', xmp)`.
fn xmp_orientation(x: &[u8]) -> Option<u8> {
    let pat = b"tiff:Orientation";
    let mut i = 0;
    while i + pat.len() + 2 <= x.len() {
        let pos = x[i..].windows(pat.len()).position(|w| w == pat)? + i;
        let rest = &x[pos + pat.len()..];
        let digit = if rest.starts_with(b"=\"") {
            rest.get(2)
        } else if rest.starts_with(b">") {
            rest.get(1)
        } else {
            None
        };
        if let Some(&c) = digit.filter(|c| c.is_ascii_digit()) {
            return Some(c - b'0');
        }
        i = pos + 1;
    }
    None
}

fn jpeg(b: &[u8]) -> Result<Header> {
    let mut i = 2;
    let mut exif: Option<Vec<u8>> = None;
    let mut xmp: Option<&[u8]> = None;
    let mut sof: Option<(u8, usize, usize, u8)> = None;
    let scan;
    loop {
        // Skip to the next marker, tolerating junk and fill bytes like Pillow.
        while i < b.len() && b[i] != 0xFF {
            i += 1;
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        let Some(&m) = b.get(i) else {
            return Err(truncated("JPEG"));
        };
        i += 1;
        if m == 0x00 || m == 0x01 || (0xD0..=0xD8).contains(&m) {
            continue;
        }
        if m == 0xD9 {
            return Err(Error::invalid_image(
                "JPEG ends before its image data (EOI before SOS)",
            ));
        }
        let len = usize::from(be16(b, i).ok_or_else(|| truncated("JPEG"))?);
        if len < 2 {
            return Err(truncated("JPEG"));
        }
        let seg = b.get(i + 2..i + len).ok_or_else(|| truncated("JPEG"))?;
        match m {
            0xE1 if seg.starts_with(b"Exif\0\0") => match &mut exif {
                Some(e) => e.extend_from_slice(&seg[6..]),
                None => exif = Some(seg.to_vec()),
            },
            0xE1 if seg.starts_with(b"http://ns.adobe.com/xap/1.0/\0") => {
                xmp = Some(&seg[29..]);
            }
            0xC0..=0xCF if m != 0xC4 && m != 0xC8 && m != 0xCC => {
                if seg.len() < 6 {
                    return Err(truncated("JPEG"));
                }
                let h = usize::from(be16(seg, 1).unwrap_or(0));
                let w = usize::from(be16(seg, 3).unwrap_or(0));
                sof = Some((seg[0], w, h, seg[5]));
            }
            0xDA => {
                scan = i;
                break;
            }
            _ => {}
        }
        i += len;
    }
    let (depth, width, height, color) =
        sof.ok_or_else(|| Error::invalid_image("JPEG has no frame header (SOF) before its scan"))?;
    Ok(Header {
        format: Format::Jpeg,
        width,
        height,
        orientation: orientation_from(exif.as_deref(), xmp),
        color,
        depth,
        scan,
    })
}

const MAX_TEXT_CHUNK: u64 = 1 << 20; // Pillow's ImageFile.SAFEBLOCK / MAX_TEXT_CHUNK

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(MAX_TEXT_CHUNK)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// ImageMagick's "Raw profile type exif": "\nexif\n  <len>\n<hex lines>".
fn raw_profile_exif(text: &[u8]) -> Option<Vec<u8>> {
    let hex: Vec<u8> = text
        .split(|&c| c == b'\n')
        .skip(3)
        .flatten()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.chunks_exact(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

fn png(b: &[u8]) -> Result<Header> {
    let ihdr = b.get(8..33).ok_or_else(|| truncated("PNG"))?;
    if &ihdr[4..8] != b"IHDR" {
        return Err(Error::invalid_image(
            "PNG does not start with an IHDR chunk",
        ));
    }
    let width = be32(ihdr, 8).unwrap() as usize;
    let height = be32(ihdr, 12).unwrap() as usize;
    let (depth, color) = (ihdr[16], ihdr[17]);
    // Walk all chunks (Pillow reads those after IDAT too, on load) for EXIF and text.
    let mut exif: Option<Vec<u8>> = None;
    let mut raw_exif: Option<Vec<u8>> = None;
    let mut xmp: Option<Vec<u8>> = None;
    let mut i = 8;
    while let (Some(len), Some(kind)) = (be32(b, i), b.get(i + 4..i + 8)) {
        let Some(data) = b.get(i + 8..(i + 8).saturating_add(len as usize)) else {
            break;
        };
        match kind {
            b"eXIf" => exif = Some(data.to_vec()),
            b"tEXt" | b"zTXt" | b"iTXt" => {
                let nul = data.iter().position(|&c| c == 0).unwrap_or(data.len());
                let (key, rest) = (&data[..nul], data.get(nul + 1..).unwrap_or(&[]));
                let text = match kind {
                    b"tEXt" => Some(rest.to_vec()),
                    b"zTXt" => rest.get(1..).and_then(inflate),
                    _ => {
                        // flag, method, language\0, translated keyword\0, text
                        let flag = rest.first().copied().unwrap_or(0);
                        let mut parts = rest.get(2..).unwrap_or(&[]).splitn(3, |&c| c == 0);
                        let t = parts.nth(2).unwrap_or(&[]);
                        if flag == 1 {
                            inflate(t)
                        } else {
                            Some(t.to_vec())
                        }
                    }
                };
                match key {
                    b"Raw profile type exif" => raw_exif = text.and_then(|t| raw_profile_exif(&t)),
                    b"XML:com.adobe.xmp" => xmp = text,
                    _ => {}
                }
            }
            b"IEND" => break,
            _ => {}
        }
        i += 12 + len as usize;
    }
    let scan = 0;
    Ok(Header {
        format: Format::Png,
        width,
        height,
        orientation: orientation_from(exif.or(raw_exif).as_deref(), xmp.as_deref()),
        color,
        depth,
        scan,
    })
}

fn tiff(b: &[u8]) -> Result<Header> {
    let mut dec = tiff::decoder::Decoder::new(std::io::Cursor::new(b))
        .map_err(|e| Error::invalid_image(format!("invalid TIFF header: {e}")))?;
    let (w, h) = dec
        .dimensions()
        .map_err(|e| Error::invalid_image(format!("invalid TIFF header: {e}")))?;
    let xmp = dec
        .find_tag(tiff::tags::Tag::Unknown(700))
        .ok()
        .flatten()
        .and_then(|v| v.into_u8_vec().ok());
    Ok(Header {
        format: Format::Tiff,
        width: w as usize,
        height: h as usize,
        orientation: orientation_from(Some(b), xmp.as_deref()),
        color: 0,
        depth: 0,
        scan: 0,
    })
}

fn bmp(b: &[u8]) -> Result<Header> {
    let dib = le32(b, 14).ok_or_else(|| truncated("BMP"))?;
    let (w, h) = if dib == 12 {
        (
            i64::from(le16(b, 18).ok_or_else(|| truncated("BMP"))?),
            i64::from(le16(b, 20).ok_or_else(|| truncated("BMP"))?),
        )
    } else {
        (
            i64::from(le32(b, 18).ok_or_else(|| truncated("BMP"))? as i32),
            i64::from(le32(b, 22).ok_or_else(|| truncated("BMP"))? as i32),
        )
    };
    Ok(Header {
        format: Format::Bmp,
        width: w.unsigned_abs() as usize,
        height: h.unsigned_abs() as usize,
        orientation: 1,
        color: 0,
        depth: 0,
        scan: 0,
    })
}

fn webp(b: &[u8]) -> Result<Header> {
    // libwebp (Pillow) refuses a file shorter than its RIFF size; image-webp is lenient.
    let riff = le32(b, 4).unwrap_or(0) as usize;
    if b.len() < riff.saturating_add(8) {
        return Err(Error::invalid_image(format!(
            "truncated WebP: RIFF header says {} bytes, got {}",
            riff.saturating_add(8),
            b.len()
        )));
    }
    let mut i = 12;
    let mut dims: Option<(usize, usize)> = None;
    let mut exif: Option<&[u8]> = None;
    let mut xmp: Option<&[u8]> = None;
    while let (Some(kind), Some(len)) = (b.get(i..i + 4), le32(b, i + 4)) {
        let len = len as usize;
        let data = b
            .get(i + 8..(i + 8).saturating_add(len))
            .unwrap_or(&b[(i + 8).min(b.len())..]);
        match kind {
            b"VP8X" if data.len() >= 10 => {
                let w = le32(&[data[4], data[5], data[6], 0], 0).unwrap() as usize + 1;
                let h = le32(&[data[7], data[8], data[9], 0], 0).unwrap() as usize + 1;
                dims = Some((w, h));
            }
            b"VP8 " if dims.is_none() && data.len() >= 10 => {
                if data[3..6] != [0x9d, 0x01, 0x2a] {
                    return Err(Error::invalid_image("corrupt WebP VP8 frame header"));
                }
                let w = usize::from(le16(data, 6).unwrap() & 0x3fff);
                let h = usize::from(le16(data, 8).unwrap() & 0x3fff);
                dims = Some((w, h));
            }
            b"VP8L" if dims.is_none() && data.len() >= 5 => {
                if data[0] != 0x2f {
                    return Err(Error::invalid_image("corrupt WebP lossless header"));
                }
                let v = le32(data, 1).unwrap();
                dims = Some(((v & 0x3fff) as usize + 1, ((v >> 14) & 0x3fff) as usize + 1));
            }
            b"EXIF" => exif = Some(data),
            b"XMP " => xmp = Some(data),
            _ => {}
        }
        i += 8 + len + (len & 1);
    }
    let (width, height) = dims.ok_or_else(|| truncated("WebP"))?;
    Ok(Header {
        format: Format::WebP,
        width,
        height,
        orientation: orientation_from(exif, xmp),
        color: 0,
        depth: 0,
        scan: 0,
    })
}
