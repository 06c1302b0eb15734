//! Configuration from environment variables, parsed once at start-up.

use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://path` or `postgres://...`.
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// Where `cargo leptos build` put the CSS, JS and WASM.
    pub site_root: String,
    pub catalogue_dir: PathBuf,
    /// Mark cookies `Secure`; set when served over HTTPS.
    pub secure_cookies: bool,
    /// Resume attempts allowed per client address per window.
    pub resume_attempts: u32,
    /// Interactions older than this many months are deleted.
    pub retention_months: u32,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &'static str) -> Result<bool, ConfigError> {
    match var(name).as_deref() {
        None | Some("0") | Some("false") | Some("no") => Ok(false),
        Some("1") | Some("true") | Some("yes") => Ok(true),
        Some(other) => Err(ConfigError::Invalid {
            name,
            reason: format!("'{other}' is not true or false"),
        }),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let site_addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr = site_addr.parse().map_err(|e| ConfigError::Invalid {
            name: "LEPTOS_SITE_ADDR",
            reason: format!("'{site_addr}': {e}"),
        })?;
        let resume_attempts = match var("DOORSTEP_RESUME_ATTEMPTS") {
            None => 10,
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: "DOORSTEP_RESUME_ATTEMPTS",
                reason: format!("'{v}' is not a whole number"),
            })?,
        };
        let retention_months = match var("DOORSTEP_RETENTION_MONTHS") {
            None => 24,
            Some(v) => match v.parse() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "DOORSTEP_RETENTION_MONTHS",
                        reason: format!("'{v}' is not a whole number of months (1 or more)"),
                    })
                }
            },
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://doorstep.db".into()),
            site_addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            catalogue_dir: var("DOORSTEP_CATALOGUE")
                .unwrap_or_else(|| "server/catalogue".into())
                .into(),
            secure_cookies: flag("DOORSTEP_SECURE_COOKIES")?,
            resume_attempts,
            retention_months,
        })
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        let output_name = var("LEPTOS_OUTPUT_NAME")
            .or_else(|| option_env!("LEPTOS_OUTPUT_NAME").map(str::to_owned))
            .unwrap_or_else(|| "doorstep".into());
        LeptosOptions::builder()
            .output_name(output_name)
            .site_root(self.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(self.site_addr)
            .build()
    }
}
