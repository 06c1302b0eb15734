//! `doorstep`: serves the citizen front door.

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
