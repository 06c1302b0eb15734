//! The only code that runs in the browser. Each island enhances markup that
//! already works without JavaScript, and is kept small for cheap phones.
pub mod live_search;
pub mod personaliser;
pub mod tick;
