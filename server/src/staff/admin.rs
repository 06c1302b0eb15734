//! Administration: staff accounts and roles, and partner API keys. Every
//! action is audited.

use super::{audit, hash_password};
use crate::forms::{render_page_as, see_other, unavailable, Problem};
use crate::AppState;
use app::backend::{new_uuid, NewApiKey, StaffSession, StoreError};
use app::domain::staff::{check_name, check_password, normalise_email, Role, StaffMember};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use time::OffsetDateTime;

const PAGE: &str = "/staff/admin";

/// Why a new staff account was refused, in words for the person.
#[derive(Debug, thiserror::Error)]
pub enum NewStaffRefused {
    #[error("{0}")]
    Email(&'static str),
    #[error("{0}")]
    Name(&'static str),
    #[error("{0}")]
    Password(String),
    #[error("There is already an account with that email address")]
    Taken,
}

impl NewStaffRefused {
    /// The admin form's field at fault.
    fn field(&self) -> &'static str {
        match self {
            NewStaffRefused::Email(_) | NewStaffRefused::Taken => "new-email",
            NewStaffRefused::Name(_) => "new-name",
            NewStaffRefused::Password(_) => "new-password",
        }
    }
}

/// Creates a staff account, for the admin page and `doorstep staff add`.
/// The inner `Err` says what is wrong with what was given; the outer one
/// is the database failing.
pub async fn add_staff(
    staff: &dyn app::backend::StaffStore,
    email: &str,
    name: &str,
    role: Role,
    password: String,
) -> Result<Result<StaffMember, NewStaffRefused>, StoreError> {
    let email = match normalise_email(email) {
        Ok(e) => e,
        Err(m) => return Ok(Err(NewStaffRefused::Email(m))),
    };
    let name = match check_name(name) {
        Ok(n) => n,
        Err(m) => return Ok(Err(NewStaffRefused::Name(m))),
    };
    if let Err(m) = check_password(&password) {
        return Ok(Err(NewStaffRefused::Password(m)));
    }
    let hash = hash_password(password)
        .await
        .map_err(StoreError::Database)?;
    let member = StaffMember {
        id: new_uuid(),
        email,
        name,
        role,
        disabled: false,
    };
    if staff
        .create_staff(&member, &hash, OffsetDateTime::now_utc())
        .await?
    {
        Ok(Ok(member))
    } else {
        Ok(Err(NewStaffRefused::Taken))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    email: String,
    name: String,
    role: String,
    password: String,
}

pub async fn create_staff(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<CreateForm>,
) -> Response {
    let values = vec![
        ("email".to_owned(), form.email.clone()),
        ("name".to_owned(), form.name.clone()),
        ("role".to_owned(), form.role.clone()),
    ];
    let Some(role) = Role::parse(&form.role) else {
        return Problem::new(StatusCode::BAD_REQUEST, PAGE, "new-role", "Choose a role")
            .with_values(values)
            .respond_as(&state, &headers, Some(session))
            .await;
    };
    match add_staff(
        state.backend().staff.as_ref(),
        &form.email,
        &form.name,
        role,
        form.password,
    )
    .await
    {
        Ok(Ok(member)) => {
            audit(
                &state,
                &session,
                "staff.created",
                &member.email,
                format!("role {}", role.as_str()),
            )
            .await;
            see_other("/staff/admin?done=created")
        }
        Ok(Err(refused)) => {
            let status = match refused {
                NewStaffRefused::Taken => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            Problem::new(status, PAGE, refused.field(), refused.to_string())
                .with_values(values)
                .respond_as(&state, &headers, Some(session))
                .await
        }
        Err(e) => unavailable(e).respond(&state, &headers).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UpdateForm {
    id: String,
    /// `role`, `disable`, `enable` or `password`.
    change: String,
    role: String,
    password: String,
}

pub async fn update_staff(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<UpdateForm>,
) -> Response {
    let backend = state.backend();
    let staff = &backend.staff;
    let target = match staff.staff_by_id(&form.id).await {
        Ok(Some(a)) => a.member,
        Ok(None) => {
            return Problem::new(
                StatusCode::NOT_FOUND,
                PAGE,
                "staff",
                "There is no such staff account",
            )
            .respond_as(&state, &headers, Some(session))
            .await
        }
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    };
    let problem = |field: String, m: String| Problem::new(StatusCode::BAD_REQUEST, PAGE, &field, m);
    // Nobody can lock themselves out of administration by accident.
    let own = target.id == session.member.id;
    let result = match form.change.as_str() {
        "role" => {
            let Some(role) = Role::parse(&form.role) else {
                return problem(format!("role-{}", target.id), "Choose a role".into())
                    .respond_as(&state, &headers, Some(session))
                    .await;
            };
            if own && role != Role::Admin {
                return problem(
                    format!("role-{}", target.id),
                    "You cannot take away your own administrator role; ask another administrator"
                        .into(),
                )
                .respond_as(&state, &headers, Some(session))
                .await;
            }
            staff
                .set_role(&target.id, role)
                .await
                .map(|_| ("staff.role_changed", format!("role {}", role.as_str())))
        }
        "disable" | "enable" => {
            let disable = form.change == "disable";
            if own && disable {
                return problem(
                    format!("staff-{}", target.id),
                    "You cannot disable your own account".into(),
                )
                .respond_as(&state, &headers, Some(session))
                .await;
            }
            staff.set_disabled(&target.id, disable).await.map(|_| {
                (
                    if disable {
                        "staff.disabled"
                    } else {
                        "staff.enabled"
                    },
                    String::new(),
                )
            })
        }
        "password" => {
            if let Err(m) = check_password(&form.password) {
                return problem(format!("password-{}", target.id), m)
                    .respond_as(&state, &headers, Some(session))
                    .await;
            }
            let hash = match hash_password(form.password).await {
                Ok(h) => h,
                Err(e) => {
                    return unavailable(StoreError::Database(e))
                        .respond(&state, &headers)
                        .await
                }
            };
            match staff
                .set_password(&target.id, &hash, OffsetDateTime::now_utc())
                .await
            {
                // A reset ends every session of the account.
                Ok(_) => staff
                    .end_sessions_of(&target.id, None)
                    .await
                    .map(|n| ("staff.password_reset", format!("{n} sessions ended"))),
                Err(e) => Err(e),
            }
        }
        _ => {
            return problem("staff".into(), "Choose what to change".into())
                .respond_as(&state, &headers, Some(session))
                .await
        }
    };
    match result {
        Ok((action, detail)) => {
            audit(&state, &session, action, &target.email, detail).await;
            see_other(&format!(
                "/staff/admin?done={}",
                action.trim_start_matches("staff.")
            ))
        }
        Err(e) => unavailable(e).respond(&state, &headers).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KeyForm {
    name: String,
}

fn key_name_ok(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Creates a partner API key and shows it once, on the page itself (never
/// in a URL or a log).
pub async fn create_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<KeyForm>,
) -> Response {
    let name = form.name.trim().to_owned();
    if !key_name_ok(&name) {
        return Problem::new(
            StatusCode::BAD_REQUEST,
            PAGE,
            "key-name",
            "A key name is 1 to 64 letters, digits, dashes or underscores",
        )
        .with_values(vec![("key-name".into(), name)])
        .respond_as(&state, &headers, Some(session))
        .await;
    }
    let key = crate::api::new_key();
    match state
        .backend()
        .store
        .create_api_key(
            &name,
            &crate::api::key_hash(&key),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(true) => {
            audit(&state, &session, "api_key.created", &name, "").await;
            render_with_key(&state, &headers, session, NewApiKey { name, key }).await
        }
        Ok(false) => {
            Problem::new(
                StatusCode::CONFLICT,
                PAGE,
                "key-name",
                "There is already a key with that name",
            )
            .with_values(vec![("key-name".into(), name)])
            .respond_as(&state, &headers, Some(session))
            .await
        }
        Err(e) => unavailable(e).respond(&state, &headers).await,
    }
}

async fn render_with_key(
    state: &AppState,
    headers: &HeaderMap,
    session: StaffSession,
    key: NewApiKey,
) -> Response {
    let mut extensions = axum::http::Extensions::new();
    extensions.insert(session);
    extensions.insert(key);
    let mut res = render_page_as(
        state,
        headers,
        "/staff/admin",
        StatusCode::CREATED,
        None,
        extensions,
    )
    .await;
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
}

pub async fn revoke_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<KeyForm>,
) -> Response {
    match state
        .backend()
        .store
        .revoke_api_key(form.name.trim(), OffsetDateTime::now_utc())
        .await
    {
        Ok(true) => {
            audit(&state, &session, "api_key.revoked", form.name.trim(), "").await;
            see_other("/staff/admin?done=key_revoked")
        }
        Ok(false) => {
            Problem::new(
                StatusCode::NOT_FOUND,
                PAGE,
                "keys",
                "There is no live key with that name",
            )
            .respond_as(&state, &headers, Some(session))
            .await
        }
        Err(e) => unavailable(e).respond(&state, &headers).await,
    }
}

/// Reads the catalogue files again, after an editor has changed them, and
/// serves them if they are valid. If not, the page lists every problem and
/// the catalogue in use stays as it was. Only this server reloads: with
/// several, reload each (or restart them in turn).
pub async fn reload_catalogue(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
) -> Response {
    match crate::reload_catalogue(&state).await {
        Ok((life_events, services)) => {
            audit(
                &state,
                &session,
                "catalogue.reloaded",
                "catalogue",
                format!("{life_events} life events, {services} services"),
            )
            .await;
            see_other("/staff/admin?done=catalogue_reloaded")
        }
        Err(crate::StartError::Catalogue(errors)) => {
            audit(
                &state,
                &session,
                "catalogue.reload_refused",
                "catalogue",
                format!("{} problems", errors.0.len()),
            )
            .await;
            let problems = errors
                .0
                .iter()
                .map(|e| ("catalogue-problem".to_owned(), e.to_string()))
                .collect();
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                PAGE,
                "catalogue",
                format!(
                    "The catalogue was not reloaded because its files have {} problem{}. Nothing has changed.",
                    errors.0.len(),
                    if errors.0.len() == 1 { "" } else { "s" }
                ),
            )
            .with_values(problems)
            .respond_as(&state, &headers, Some(session))
            .await
        }
        Err(e) => {
            unavailable(StoreError::Database(e.to_string()))
                .respond(&state, &headers)
                .await
        }
    }
}
