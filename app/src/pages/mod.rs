//! One module per page. Pages render on the server only.
pub mod cookies;
pub mod home;
pub mod life_event;
pub mod not_found;
pub mod plan;
pub mod search;
pub mod service;
pub mod staff;
