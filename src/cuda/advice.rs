//! `PYTORCH_CUDA_ALLOC_CONF` advice per device: a small table of rules, each with the
//! reason it exists, so the advice can be explained to whoever reads the logs.

use super::{DeviceInfo, GIB};

/// One allocator setting and when it applies.
pub struct Rule {
    pub key: &'static str,
    pub value: &'static str,
    pub applies: fn(&DeviceInfo) -> bool,
    pub reason: &'static str,
}

/// Volta/Turing (V100, T4) with at most 32 GiB: the memory-tight cards vlmserve targets.
/// A "32 GB" V100 reports 31.7 GiB, so the boundary is inclusive and in GiB.
fn tight_pre_ampere(d: &DeviceInfo) -> bool {
    d.compute_capability < (8, 0) && d.total_bytes <= 32 * GIB
}

/// Ampere and newer, or any card with more than 32 GiB.
fn modern_or_large(d: &DeviceInfo) -> bool {
    !tight_pre_ampere(d)
}

/// The rules, in the order their settings appear in the config string.
pub const RULES: &[Rule] = &[
    Rule {
        key: "max_split_size_mb",
        value: "64",
        applies: tight_pre_ampere,
        reason: "compute capability < 8.0 with <= 32 GiB (V100, T4): requests differ in tile \
                 count, so activations differ in size, and the caching allocator carves large \
                 cached blocks up for smaller tensors; the leftovers (inactive split bytes) can \
                 neither serve the next large request nor be released. Blocks over 64 MB are \
                 never split, so large tiles keep finding whole blocks. expandable_segments is \
                 not used on these cards because their fleets often run PyTorch < 2.1 or older \
                 drivers where it is missing or experimental.",
    },
    Rule {
        key: "garbage_collection_threshold",
        value: "0.6",
        applies: tight_pre_ampere,
        reason: "compute capability < 8.0 with <= 32 GiB: an 8-11B model leaves little slack, \
                 so once 60% of the allowed memory is reserved the allocator frees cached blocks \
                 that are not being reused (oldest first) instead of waiting for a cudaMalloc \
                 failure, which flushes the whole cache and stalls the request that hit it.",
    },
    Rule {
        key: "expandable_segments",
        value: "True",
        applies: modern_or_large,
        reason: "compute capability >= 8.0 or > 32 GiB (A10G, A100, H100): segments grow in \
                 place through CUDA virtual memory (PyTorch >= 2.1), so variable-size batches \
                 stop leaving unusable gaps between segments. Set alone: combined with \
                 max_split_size_mb or garbage_collection_threshold it could hit allocator \
                 asserts near OOM before PyTorch 2.5 (pytorch#134338).",
    },
];

/// The description used when no device is known: a 16 GB V100, whose settings are valid on
/// every GPU and every PyTorch >= 1.12.
fn conservative_device() -> DeviceInfo {
    DeviceInfo::described("Tesla V100-SXM2-16GB (assumed)", (7, 0), 16 * GIB)
}

/// A recommended `PYTORCH_CUDA_ALLOC_CONF` value and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advice {
    /// `key:value` pairs joined by commas, ready for the environment variable.
    pub config: String,
    /// One reason per setting (plus a first line saying so when no device was known).
    pub reasons: Vec<String>,
}

/// The advice for `device`; `None` (no GPU found) gets the conservative default and a
/// reason saying so.
pub fn advise(device: Option<&DeviceInfo>) -> Advice {
    let fallback = conservative_device();
    let mut reasons = Vec::new();
    if device.is_none() {
        reasons.push(
            "no CUDA device was found, so this is the conservative default (the settings for a \
             16 GB V100, valid on every GPU and PyTorch >= 1.12); call again on the GPU machine"
                .to_string(),
        );
    }
    let d = device.unwrap_or(&fallback);
    let chosen: Vec<&Rule> = RULES.iter().filter(|r| (r.applies)(d)).collect();
    let config = chosen
        .iter()
        .map(|r| format!("{}:{}", r.key, r.value))
        .collect::<Vec<_>>()
        .join(",");
    reasons.extend(
        chosen
            .iter()
            .map(|r| format!("{}:{}: {}", r.key, r.value, r.reason)),
    );
    Advice { config, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIGHT: &str = "max_split_size_mb:64,garbage_collection_threshold:0.6";
    const MODERN: &str = "expandable_segments:True";

    fn config(name: &str, cc: (u32, u32), total_bytes: u64) -> String {
        advise(Some(&DeviceInfo::described(name, cc, total_bytes))).config
    }

    #[test]
    fn device_classes() {
        // Totals as the driver reports them (bytes), not the marketing sizes.
        assert_eq!(
            config("Tesla V100-SXM2-16GB", (7, 0), 16_945_512_448),
            TIGHT
        );
        assert_eq!(
            config("Tesla V100-SXM2-32GB", (7, 0), 34_089_730_048),
            TIGHT
        );
        assert_eq!(config("Tesla T4", (7, 5), 15_843_721_216), TIGHT);
        assert_eq!(config("NVIDIA A10G", (8, 6), 23_836_098_560), MODERN);
        assert_eq!(
            config("NVIDIA A100-SXM4-80GB", (8, 0), 85_899_345_920),
            MODERN
        );
        assert_eq!(
            config("NVIDIA H100 80GB HBM3", (9, 0), 85_520_809_984),
            MODERN
        );
    }

    #[test]
    fn boundaries() {
        assert_eq!(config("32 GiB exactly", (7, 5), 32 * GIB), TIGHT);
        assert_eq!(config("Quadro RTX 8000", (7, 5), 48 * GIB), MODERN);
        assert_eq!(config("small Ampere", (8, 0), 8 * GIB), MODERN);
    }

    #[test]
    fn one_reason_per_setting() {
        let a = advise(Some(&DeviceInfo::described("Tesla T4", (7, 5), 16 * GIB)));
        assert_eq!(a.reasons.len(), 2);
        assert!(a.reasons[0].starts_with("max_split_size_mb:64: "));
        assert!(a.reasons[1].starts_with("garbage_collection_threshold:0.6: "));
    }

    #[test]
    fn no_device_gets_the_conservative_default_and_says_so() {
        let a = advise(None);
        assert_eq!(a.config, TIGHT);
        assert_eq!(a.reasons.len(), 3);
        assert!(a.reasons[0].starts_with("no CUDA device was found"));
    }

    #[test]
    fn every_device_gets_a_setting() {
        // The two rule groups are complements: no device is left without advice.
        for cc in [(6, 0), (7, 0), (7, 5), (8, 0), (8, 9), (9, 0), (10, 0)] {
            for gib in [4, 16, 32, 33, 80, 192] {
                assert!(!config("x", cc, gib * GIB).is_empty());
            }
        }
    }
}
