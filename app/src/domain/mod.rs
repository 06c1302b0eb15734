//! Plain Rust domain: no web framework, no database.
pub mod catalogue;
pub mod journey;
pub mod plan;
pub mod reference;
pub mod search;
