//! Building blocks shared by pages. One component, one file, one block of CSS
//! named after it (`ds-` prefix).
pub mod cookie_banner;
pub mod error_summary;
pub mod layout;
pub mod questions;
pub mod step_by_step;
pub mod summary_list;
