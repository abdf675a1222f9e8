//! JPEG through libjpeg-turbo's TurboJPEG 3 API, with Pillow's decoder settings
//! (ISLOW DCT, fancy upsampling, libjpeg's colour-space guess) so output is byte-identical.
use super::convert;
use super::meta::Header;
use super::SUPPORTED;
use crate::error::{Error, Result};
use crate::image::RgbImage;
use std::cell::RefCell;
use std::ffi::CStr;
use turbojpeg::raw;

struct Handle(raw::tjhandle);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from tj3Init and is destroyed once.
        unsafe { raw::tj3Destroy(self.0) }
    }
}

thread_local! {
    static HANDLE: RefCell<Option<Handle>> = const { RefCell::new(None) };
    /// Scratch buffer for CMYK output, reused across calls on this thread.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

enum Outcome {
    Ok,
    Warning(String),
    Fatal(String),
}

impl Handle {
    fn new() -> Result<Handle> {
        // SAFETY: plain constructor; null is checked.
        let h = unsafe { raw::tj3Init(raw::TJINIT_TJINIT_DECOMPRESS as libc_int) };
        if h.is_null() {
            return Err(Error::invalid_image("could not initialise libjpeg-turbo"));
        }
        Ok(Handle(h))
    }

    fn outcome(&self, rc: libc_int) -> Outcome {
        if rc == 0 {
            return Outcome::Ok;
        }
        // SAFETY: valid handle; the error string is NUL-terminated and owned by the handle.
        let (code, msg) = unsafe {
            (
                raw::tj3GetErrorCode(self.0),
                CStr::from_ptr(raw::tj3GetErrorStr(self.0))
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        if code == raw::TJERR_TJERR_WARNING as libc_int {
            Outcome::Warning(msg)
        } else {
            Outcome::Fatal(msg)
        }
    }

    fn get(&self, p: raw::TJPARAM) -> libc_int {
        // SAFETY: valid handle.
        unsafe { raw::tj3Get(self.0, p as libc_int) }
    }

    fn header(&mut self, data: &[u8]) -> Outcome {
        // SAFETY: valid handle, data pointer/length from a slice.
        let rc = unsafe { raw::tj3DecompressHeader(self.0, data.as_ptr(), data.len() as _) };
        self.outcome(rc)
    }

    /// Decompress into `out`, which must hold `width * height * pixel size` bytes for the
    /// header just read from this same `data`.
    fn decompress(&mut self, data: &[u8], out: &mut [u8], pitch: usize, pf: raw::TJPF) -> Outcome {
        // SAFETY: valid handle; `out` was sized by the caller from the header that libjpeg reads
        // again from the same bytes (deterministic), so every row it writes is inside `out`.
        let rc = unsafe {
            raw::tj3Decompress8(
                self.0,
                data.as_ptr(),
                data.len() as _,
                out.as_mut_ptr(),
                pitch as libc_int,
                pf as libc_int,
            )
        };
        self.outcome(rc)
    }
}

#[allow(non_camel_case_types)]
type libc_int = std::os::raw::c_int;

fn with_handle<T>(f: impl FnOnce(&mut Handle) -> Result<T>) -> Result<T> {
    HANDLE.with(|cell| {
        let mut slot = cell
            .try_borrow_mut()
            .map_err(|_| Error::invalid_image("re-entrant JPEG decode"))?;
        let handle = match slot.as_mut() {
            Some(handle) => handle,
            None => slot.insert(Handle::new()?),
        };
        let result = f(handle);
        if result.is_err() {
            // libjpeg keeps state (tables, markers) across images on one handle, and a failed
            // decode can leave it unusable: the next image must start from a fresh handle.
            *slot = None;
        }
        result
    })
}

pub(super) fn decode(data: &[u8], h: &Header) -> Result<RgbImage> {
    if h.depth != 8 {
        return Err(Error::unsupported(format!(
            "{}-bit JPEG is not supported (Pillow cannot read it either); only 8-bit JPEG is; {SUPPORTED}",
            h.depth
        )));
    }
    if !matches!(h.color, 1 | 3 | 4) {
        return Err(Error::unsupported(format!(
            "JPEG with {} components is not supported (only 1, 3 or 4)",
            h.color
        )));
    }
    with_handle(|tj| {
        if let Outcome::Fatal(msg) = tj.header(data) {
            return Err(Error::invalid_image(format!("corrupt JPEG header: {msg}")));
        }
        let w = tj.get(raw::TJPARAM_TJPARAM_JPEGWIDTH);
        let ht = tj.get(raw::TJPARAM_TJPARAM_JPEGHEIGHT);
        let prec = tj.get(raw::TJPARAM_TJPARAM_PRECISION);
        if w as usize != h.width || ht as usize != h.height || prec != 8 {
            return Err(Error::invalid_image(format!(
                "inconsistent JPEG header ({w}x{ht}, {prec}-bit vs {}x{}, {}-bit)",
                h.width, h.height, h.depth
            )));
        }
        let (w, ht) = (h.width, h.height);
        let n = w * ht;
        let mut rgb = vec![0u8; n * 3];
        if h.color == 4 {
            SCRATCH.with(|s| {
                let mut cmyk = s.borrow_mut();
                cmyk.clear();
                cmyk.resize(n * 4, 0);
                run(tj, data, h.scan, &mut cmyk, w * 4, raw::TJPF_TJPF_CMYK)?;
                convert::inverted_cmyk_to_rgb(&cmyk, &mut rgb);
                if cmyk.capacity() > (64 << 20) {
                    *cmyk = Vec::new(); // don't pin huge scratch buffers
                }
                Ok(())
            })?;
        } else {
            // Gray JPEGs come out replicated (libjpeg's gray->RGB is a plain copy).
            run(tj, data, h.scan, &mut rgb, w * 3, raw::TJPF_TJPF_RGB)?;
        }
        Ok(RgbImage::new(w, ht, rgb))
    })
}

fn run(
    tj: &mut Handle,
    data: &[u8],
    scan: usize,
    out: &mut [u8],
    pitch: usize,
    pf: raw::TJPF,
) -> Result<()> {
    match tj.decompress(data, out, pitch, pf) {
        Outcome::Ok => Ok(()),
        Outcome::Fatal(msg) => Err(Error::invalid_image(format!("corrupt JPEG data: {msg}"))),
        Outcome::Warning(msg) => {
            // libjpeg warnings (e.g. extraneous bytes) are ignored by Pillow too, but running out
            // of data before the EOI marker is "image file is truncated" there, even when only
            // the EOI itself is missing.
            if has_eoi_after(data, scan) {
                Ok(())
            } else {
                Err(Error::invalid_image(format!(
                    "truncated JPEG: the data ends before the end-of-image marker ({msg})"
                )))
            }
        }
    }
}

/// Whether an EOI marker follows the first SOS (entropy-coded data never contains FF D9).
fn has_eoi_after(d: &[u8], scan: usize) -> bool {
    d.ends_with(&[0xFF, 0xD9])
        || d.get(scan..)
            .is_some_and(|s| s.windows(2).any(|w| w == [0xFF, 0xD9]))
}
