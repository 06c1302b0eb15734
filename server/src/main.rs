//! `doorstep`: serves the citizen front door.
//!
//! `doorstep` serves. `doorstep api-key create NAME` prints a new partner
//! API key once (only its hash is stored); `doorstep api-key revoke NAME`
//! revokes it. `doorstep staff add EMAIL --role ROLE [--name NAME]` creates
//! a staff account, reading the password from the terminal (not echoed)
//! or, when piped, from the first line of standard input; never from an
//! argument, where it would end up in shell history and process lists.

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
    if args.first().map(String::as_str) == Some("staff") {
        return staff_command(config, &args[1..]).await;
    }
    let usage = "usage: doorstep [api-key create NAME | api-key revoke NAME | staff add EMAIL --role agent|officer|admin [--name NAME]]";
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

async fn staff_command(config: &Config, args: &[String]) -> ExitCode {
    use app::domain::staff::Role;
    let usage = "usage: doorstep staff add EMAIL --role agent|officer|admin [--name NAME]";
    let (Some("add"), Some(email)) = (args.first().map(String::as_str), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let mut role = None;
    let mut name = None;
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        match (flag.as_str(), rest.next()) {
            ("--role", Some(r)) => role = Role::parse(r),
            ("--name", Some(n)) => name = Some(n.clone()),
            _ => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(role) = role else {
        eprintln!("doorstep: --role must be agent, officer or admin\n{usage}");
        return ExitCode::from(2);
    };
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_owned());
    let password = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let first = rpassword::prompt_password("Password: ").unwrap_or_default();
        let again = rpassword::prompt_password("Password again: ").unwrap_or_default();
        if first != again {
            eprintln!("doorstep: the two passwords are not the same");
            return ExitCode::FAILURE;
        }
        first
    } else {
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line).is_err() {
            eprintln!("doorstep: could not read the password from standard input");
            return ExitCode::FAILURE;
        }
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    let (_, staff) = match doorstep::storage::open_both(&config.database_url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("doorstep: cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    match doorstep::staff::admin::add_staff(staff.as_ref(), email, &name, role, password).await {
        Ok(Ok(member)) => {
            eprintln!(
                "Staff account for {} created ({}).",
                member.email,
                member.role.label()
            );
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => {
            eprintln!("doorstep: {message}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("doorstep: {e}");
            ExitCode::FAILURE
        }
    }
}
