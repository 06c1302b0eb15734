//! Plain Rust domain: no web framework, no database.
pub mod catalogue;
pub mod interaction;
pub mod journey;
pub mod plan;
pub mod reference;
pub mod search;
pub mod staff;
pub mod suggest;
