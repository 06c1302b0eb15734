//! `doorstep`: serves the citizen front door.
//!
//! `doorstep` serves. `doorstep api-key create NAME` prints a new partner
//! API key once (only its hash is stored); `doorstep api-key revoke NAME`
//! revokes it.

use doorstep::config::Config;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("doorstep: {e}");
            return ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() {
        return command(&config, &args).await;
    }
    let addr = config.site_addr;
    let app = match doorstep::build(config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("doorstep: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("doorstep: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{addr}");
    match doorstep::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("doorstep: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn command(config: &Config, args: &[String]) -> ExitCode {
    let usage = "usage: doorstep [api-key create NAME | api-key revoke NAME]";
    let [group, action, name] = args else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    if group != "api-key" || !(action == "create" || action == "revoke") {
        eprintln!("{usage}");
        return ExitCode::from(2);
    }
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        eprintln!("doorstep: a key name is 1 to 64 letters, digits, dashes or underscores");
        return ExitCode::from(2);
    }
    let store = match doorstep::storage::open(&config.database_url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("doorstep: cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    let now = time::OffsetDateTime::now_utc();
    if action == "create" {
        let key = doorstep::api::new_key();
        match store
            .create_api_key(name, &doorstep::api::key_hash(&key), now)
            .await
        {
            Ok(true) => {
                println!("{key}");
                eprintln!("API key '{name}' created. It is shown only this once.");
                ExitCode::SUCCESS
            }
            Ok(false) => {
                eprintln!("doorstep: there is already a key called '{name}'");
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("doorstep: {e}");
                ExitCode::FAILURE
            }
        }
    } else {
        match store.revoke_api_key(name, now).await {
            Ok(true) => {
                eprintln!("API key '{name}' revoked.");
                ExitCode::SUCCESS
            }
            Ok(false) => {
                eprintln!("doorstep: there is no live key called '{name}'");
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("doorstep: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
