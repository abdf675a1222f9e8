//! The recovery tiers, and which of them a generator walks (and in what order).

use crate::error::{Error, Result};

/// One recovery from an out-of-memory error; the ladder tries them in the configured order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Free what the process holds (dead references, the allocator's cache) and retry.
    Release,
    /// Cut the batch in two halves of about equal cost, recursively down to one item.
    Split,
    /// Ask the shrink hook for cheaper parameters (fewer tiles, fewer new tokens), repeatedly.
    Shrink,
    /// Reload the model (at most once per call) and retry.
    Reload,
    /// Run on the CPU with the call's original parameters; always the last tier.
    Cpu,
}

impl Tier {
    /// Every tier, in the default order: cheapest and least lossy first.
    pub const ALL: [Tier; 5] = [
        Tier::Release,
        Tier::Split,
        Tier::Shrink,
        Tier::Reload,
        Tier::Cpu,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tier::Release => "release",
            Tier::Split => "split",
            Tier::Shrink => "shrink",
            Tier::Reload => "reload",
            Tier::Cpu => "cpu",
        }
    }

    pub fn parse(name: &str) -> Result<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "unknown recovery tier {name:?}; tiers are {}",
                    Tier::ALL.map(Tier::name).join(", ")
                ))
            })
    }

    /// The keyword argument that supplies this tier's hook, for tiers that have no default.
    fn hook_argument(self) -> Option<&'static str> {
        match self {
            Tier::Shrink => Some("shrink"),
            Tier::Reload => Some("reload"),
            Tier::Cpu => Some("cpu_generate"),
            Tier::Release | Tier::Split => None,
        }
    }
}

/// Which hooks the caller supplied (release and split need none from the user).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hooks {
    pub shrink: bool,
    pub reload: bool,
    pub cpu: bool,
}

impl Hooks {
    fn has(self, tier: Tier) -> bool {
        match tier {
            Tier::Release | Tier::Split => true,
            Tier::Shrink => self.shrink,
            Tier::Reload => self.reload,
            Tier::Cpu => self.cpu,
        }
    }
}

/// The tiers to walk. `None` means every tier whose hook is available, in the default order;
/// an explicit list is validated: known names, no repeats, a hook for each, `cpu` last (once on
/// the CPU, no GPU tier can help).
pub fn resolve_tiers(requested: Option<&[String]>, hooks: Hooks) -> Result<Vec<Tier>> {
    let Some(names) = requested else {
        return Ok(Tier::ALL.into_iter().filter(|t| hooks.has(*t)).collect());
    };
    let mut tiers = Vec::with_capacity(names.len());
    for name in names {
        let tier = Tier::parse(name)?;
        if tiers.contains(&tier) {
            return Err(Error::invalid_argument(format!(
                "recovery tier {name:?} is listed twice; list each tier at most once"
            )));
        }
        if let (false, Some(arg)) = (hooks.has(tier), tier.hook_argument()) {
            return Err(Error::invalid_argument(format!(
                "recovery tier {name:?} needs a hook: pass {arg}=... or drop the tier"
            )));
        }
        tiers.push(tier);
    }
    if let Some(pos) = tiers.iter().position(|t| *t == Tier::Cpu) {
        if pos + 1 != tiers.len() {
            return Err(Error::invalid_argument(
                "recovery tier \"cpu\" must come last: after falling back to the CPU no GPU tier can help",
            ));
        }
    }
    Ok(tiers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const ALL_HOOKS: Hooks = Hooks {
        shrink: true,
        reload: true,
        cpu: true,
    };

    #[test]
    fn default_tiers_follow_the_hooks() {
        let hooks = Hooks {
            shrink: false,
            reload: true,
            cpu: false,
        };
        assert_eq!(
            resolve_tiers(None, hooks).unwrap(),
            [Tier::Release, Tier::Split, Tier::Reload]
        );
        assert_eq!(resolve_tiers(None, ALL_HOOKS).unwrap(), Tier::ALL);
    }

    #[test]
    fn explicit_order_is_kept() {
        let tiers = resolve_tiers(Some(&names(&["split", "release", "cpu"])), ALL_HOOKS);
        assert_eq!(tiers.unwrap(), [Tier::Split, Tier::Release, Tier::Cpu]);
        assert_eq!(resolve_tiers(Some(&[]), Hooks::default()).unwrap(), []);
    }

    #[test]
    fn bad_lists_are_refused_with_a_reason() {
        let cases = [
            (vec!["release", "retry"], "unknown recovery tier \"retry\""),
            (vec!["split", "split"], "listed twice"),
            (vec!["cpu", "split"], "must come last"),
        ];
        for (list, expected) in cases {
            let err = resolve_tiers(Some(&names(&list)), ALL_HOOKS).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
            assert!(err.to_string().contains(expected), "{err}");
        }
        let err = resolve_tiers(Some(&names(&["shrink"])), Hooks::default()).unwrap_err();
        assert!(err.to_string().contains("pass shrink=..."), "{err}");
    }
}
