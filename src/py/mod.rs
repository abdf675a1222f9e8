//! PyO3 bindings: thin wrappers over the pure-Rust modules.
