//! Empty: this package exists only so that `cargo vendor` fetches the
//! benchmark corpus its `Cargo.toml` pins (see `bench/run.py`).
