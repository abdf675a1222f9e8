//! Local files, confined to the policy's allowed roots.
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

fn show_roots(roots: &[PathBuf]) -> String {
    let list: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    format!("[{}]", list.join(", "))
}

/// `path` made absolute and with `.`/`..` removed lexically (no file system access);
/// only used to word the error for a path that does not exist.
fn lexical_absolute(path: &Path) -> PathBuf {
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = PathBuf::new();
    for comp in base.join(path).components() {
        match comp {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The roots that exist, canonicalised (so symlinked roots and `..` in them compare right).
fn canonical_roots(roots: &[PathBuf]) -> Vec<PathBuf> {
    roots
        .iter()
        .filter_map(|r| match r.canonicalize() {
            Ok(c) => Some(c),
            Err(e) => {
                log::warn!("allowed root {} is unusable: {e}", r.display());
                None
            }
        })
        .collect()
}

fn outside(shown: &Path, roots: &[PathBuf]) -> Error {
    Error::not_allowed(format!(
        "path {} is outside the allowed roots {}; add its directory to allowed_roots",
        shown.display(),
        show_roots(roots)
    ))
}

/// Read a file whose canonical path (symlinks and `..` resolved) lies under an allowed root.
pub(crate) fn read_path(path: &Path, allowed_roots: &[PathBuf], max_bytes: u64) -> Result<Vec<u8>> {
    if allowed_roots.is_empty() {
        return Err(Error::not_allowed(format!(
            "reading image path {} is disabled: allowed_roots is empty; set allowed_roots to the \
             directories images may be read from",
            path.display()
        )));
    }
    let roots = canonical_roots(allowed_roots);
    let under = |p: &Path| roots.iter().any(|r| p.starts_with(r));
    let canonical = match path.canonicalize() {
        Ok(c) => c,
        Err(e) => {
            // Word the error without revealing whether paths outside the roots exist.
            let lexical = lexical_absolute(path);
            if !under(&lexical) {
                return Err(outside(path, allowed_roots));
            }
            return Err(if e.kind() == io::ErrorKind::NotFound {
                Error::invalid_image(format!(
                    "image file {} does not exist; check the path",
                    path.display()
                ))
            } else {
                Error::invalid_image(format!(
                    "cannot resolve image path {}: {e}; check the path and its permissions",
                    path.display()
                ))
            });
        }
    };
    if !under(&canonical) {
        let shown = if canonical == lexical_absolute(path) {
            canonical.clone()
        } else {
            PathBuf::from(format!(
                "{} (resolves to {})",
                path.display(),
                canonical.display()
            ))
        };
        return Err(outside(&shown, allowed_roots));
    }
    // Stat before opening: opening a FIFO would block.
    let meta = std::fs::metadata(&canonical).map_err(|e| {
        Error::invalid_image(format!(
            "cannot stat image file {}: {e}",
            canonical.display()
        ))
    })?;
    if meta.is_dir() {
        return Err(Error::invalid_argument(format!(
            "image path {} is a directory; pass the path of an image file",
            path.display()
        )));
    }
    if !meta.is_file() {
        return Err(Error::invalid_argument(format!(
            "image path {} is not a regular file (device, pipe or socket); pass the path of an \
             image file",
            path.display()
        )));
    }
    if meta.len() > max_bytes {
        return Err(Error::not_allowed(format!(
            "image file {} is {} bytes, over max_bytes {max_bytes}; raise max_bytes or use a \
             smaller file",
            path.display(),
            meta.len()
        )));
    }
    let file = File::open(&canonical).map_err(|e| {
        Error::invalid_image(format!(
            "cannot open image file {}: {e}; check the path and its permissions",
            canonical.display()
        ))
    })?;
    // A component swapped for a symlink between canonicalize() and open() would escape the
    // roots; on Linux, check what was actually opened.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd;
        let fd_path = format!("/proc/self/fd/{}", file.as_raw_fd());
        if let Ok(real) = std::fs::read_link(fd_path) {
            if !under(&real) {
                return Err(outside(&real, allowed_roots));
            }
        }
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| {
            Error::invalid_image(format!("cannot read image file {}: {e}", path.display()))
        })?;
    if buf.len() as u64 > max_bytes {
        return Err(Error::not_allowed(format!(
            "image file {} grew past max_bytes {max_bytes} while being read; raise max_bytes or \
             use a smaller file",
            path.display()
        )));
    }
    if buf.is_empty() {
        return Err(Error::invalid_image(format!(
            "image file {} is empty; pass a non-empty image file",
            path.display()
        )));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const MAX: u64 = 1 << 20;

    struct Fixture {
        _tmp: tempfile::TempDir,
        base: PathBuf,
        root: PathBuf,
    }

    /// base/data (the allowed root) with cat.png and sub/dog.png; base/data2/secret.png;
    /// base/outside.png; base/data/link -> base/outside.png; base/data/dirlink -> base/data2.
    fn fixture() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let root = base.join("data");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::create_dir_all(base.join("data2")).unwrap();
        fs::write(root.join("cat.png"), b"cat").unwrap();
        fs::write(root.join("sub/dog.png"), b"dog").unwrap();
        fs::write(base.join("data2/secret.png"), b"secret").unwrap();
        fs::write(base.join("outside.png"), b"outside").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("outside.png"), root.join("link.png")).unwrap();
            std::os::unix::fs::symlink(base.join("data2"), root.join("dirlink")).unwrap();
            std::os::unix::fs::symlink(root.join("cat.png"), root.join("inlink.png")).unwrap();
        }
        Fixture {
            _tmp: tmp,
            base,
            root,
        }
    }

    fn roots(f: &Fixture) -> Vec<PathBuf> {
        vec![f.root.clone()]
    }

    fn assert_outside(r: Result<Vec<u8>>) {
        match r {
            Err(Error::SourceNotAllowed(m)) => {
                assert!(m.contains("outside the allowed roots"), "{m}");
                assert!(m.contains("add its directory to allowed_roots"), "{m}");
            }
            other => panic!("expected SourceNotAllowed, got {other:?}"),
        }
    }

    #[test]
    fn reads_files_under_the_root() {
        let f = fixture();
        let r = roots(&f);
        assert_eq!(read_path(&f.root.join("cat.png"), &r, MAX).unwrap(), b"cat");
        assert_eq!(
            read_path(&f.root.join("sub/dog.png"), &r, MAX).unwrap(),
            b"dog"
        );
        assert_eq!(
            read_path(&f.root.join("sub/../cat.png"), &r, MAX).unwrap(),
            b"cat"
        );
        // A root given with `..` in it, or a file reached through an in-root symlink, is fine.
        let messy_root = vec![f.root.join("sub/..")];
        assert_eq!(
            read_path(&f.root.join("cat.png"), &messy_root, MAX).unwrap(),
            b"cat"
        );
        #[cfg(unix)]
        assert_eq!(
            read_path(&f.root.join("inlink.png"), &r, MAX).unwrap(),
            b"cat"
        );
    }

    #[test]
    fn empty_roots_refuse_everything() {
        let f = fixture();
        let e = read_path(&f.root.join("cat.png"), &[], MAX).unwrap_err();
        assert!(
            matches!(e, Error::SourceNotAllowed(ref m) if m.contains("allowed_roots")),
            "{e}"
        );
    }

    #[test]
    fn dotdot_escape_is_refused() {
        let f = fixture();
        let r = roots(&f);
        assert_outside(read_path(&f.root.join("../outside.png"), &r, MAX));
        assert_outside(read_path(&f.root.join("sub/../../outside.png"), &r, MAX));
        assert_outside(read_path(Path::new("/etc/passwd"), &r, MAX));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_escape_is_refused() {
        let f = fixture();
        let r = roots(&f);
        assert_outside(read_path(&f.root.join("link.png"), &r, MAX));
        assert_outside(read_path(&f.root.join("dirlink/secret.png"), &r, MAX));
        let m = read_path(&f.root.join("link.png"), &r, MAX)
            .unwrap_err()
            .to_string();
        assert!(m.contains("resolves to"), "{m}");
    }

    #[test]
    fn sibling_with_common_string_prefix_is_not_under_root() {
        let f = fixture();
        let r = roots(&f);
        assert_outside(read_path(&f.base.join("data2/secret.png"), &r, MAX));
        // Also when the root is spelled with a trailing slash.
        let slash = vec![PathBuf::from(format!("{}/", f.root.display()))];
        assert_outside(read_path(&f.base.join("data2/secret.png"), &slash, MAX));
        assert_eq!(
            read_path(&f.root.join("cat.png"), &slash, MAX).unwrap(),
            b"cat"
        );
    }

    #[test]
    fn directory_is_refused() {
        let f = fixture();
        let e = read_path(&f.root.join("sub"), &roots(&f), MAX).unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument(ref m) if m.contains("directory")),
            "{e}"
        );
    }

    #[test]
    fn missing_file_inside_vs_outside_the_root() {
        let f = fixture();
        let r = roots(&f);
        let e = read_path(&f.root.join("nope.png"), &r, MAX).unwrap_err();
        assert!(
            matches!(e, Error::InvalidImage(ref m) if m.contains("does not exist")),
            "{e}"
        );
        // Outside the root a missing file reads exactly like an existing one: no probing.
        assert_outside(read_path(&f.base.join("nope.png"), &r, MAX));
        assert_outside(read_path(&f.root.join("../nope.png"), &r, MAX));
    }

    #[test]
    fn oversize_and_empty_files() {
        let f = fixture();
        let r = roots(&f);
        fs::write(f.root.join("big.png"), vec![1u8; 1001]).unwrap();
        fs::write(f.root.join("exact.png"), vec![1u8; 1000]).unwrap();
        fs::write(f.root.join("empty.png"), b"").unwrap();
        let e = read_path(&f.root.join("big.png"), &r, 1000).unwrap_err();
        assert!(
            matches!(e, Error::SourceNotAllowed(ref m) if m.contains("max_bytes")),
            "{e}"
        );
        assert_eq!(
            read_path(&f.root.join("exact.png"), &r, 1000)
                .unwrap()
                .len(),
            1000
        );
        let e = read_path(&f.root.join("empty.png"), &r, 1000).unwrap_err();
        assert!(
            matches!(e, Error::InvalidImage(ref m) if m.contains("empty")),
            "{e}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn device_files_are_refused() {
        let e = read_path(Path::new("/dev/zero"), &[PathBuf::from("/dev")], MAX).unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument(ref m) if m.contains("regular file")),
            "{e}"
        );
    }
}
