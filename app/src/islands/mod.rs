//! The only code that runs in the browser. Each island wraps markup the
//! server rendered, which already works without JavaScript, and enhances it.
//! They take no props and use web-sys directly: on a cheap phone every
//! kilobyte of WASM counts.
#[cfg(feature = "hydrate")]
mod fetch;
pub mod live_search;
pub mod personaliser;
pub mod shortcuts;
pub mod tick;
