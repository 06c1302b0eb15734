//! Signing in and out, changing one's password, and ending sessions.

use super::{
    audit, hash_password, new_token, session_cookie, token_hash, verify_password,
    ACCOUNT_FAILURES_PER_HOUR,
};
use crate::forms::{see_other, unavailable, Problem};
use crate::AppState;
use app::backend::StaffSession;
use app::domain::staff::{check_password, normalise_email};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use std::net::SocketAddr;
use time::OffsetDateTime;

/// The one message for a wrong email or a wrong password, so that signing
/// in never reveals which accounts exist.
const WRONG: &str = "The email address or password is not right. Check them and try again.";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

/// Only our own staff pages are places to go after signing in.
fn safe_next(next: &str) -> &str {
    let ok = (next == "/staff" || next.starts_with("/staff/") || next.starts_with("/staff?"))
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.starts_with("/staff/login");
    if ok {
        next
    } else {
        "/staff"
    }
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let typed_email: String = form.email.chars().take(254).collect();
    let next = safe_next(&form.next).to_owned();
    let login_page = format!("/staff/login?next={}", app::queries::url_encode(&next));
    let values = vec![("email".to_owned(), typed_email.clone())];
    let refuse = |status: StatusCode, field: &str, message: &str| {
        Problem::new(status, login_page.clone(), field, message).with_values(values.clone())
    };
    // Per address: failures only are counted (a limiter of attempts would
    // lock out a whole office behind one address).
    if state.login_limiter.is_limited(peer.ip()) {
        let mut res = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "email",
            "There have been too many failed attempts to sign in from here. Wait 15 minutes and try again.",
        )
        .respond(&state, &headers)
        .await;
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
        return res;
    }
    let email = match normalise_email(&typed_email) {
        Ok(e) => e,
        Err(m) => {
            return refuse(StatusCode::BAD_REQUEST, "email", m)
                .respond(&state, &headers)
                .await
        }
    };
    if form.password.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "password", "Enter your password")
            .respond(&state, &headers)
            .await;
    }
    let backend = state.backend();
    let staff = &backend.staff;
    let now = OffsetDateTime::now_utc();
    let failures = match staff
        .login_failures_since(&email, now - time::Duration::hours(1))
        .await
    {
        Ok(n) => n,
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    };
    if failures >= ACCOUNT_FAILURES_PER_HOUR {
        // Said the same way whether or not the account exists.
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "email",
            "There have been too many failed attempts to sign in with this email address. Try again in an hour, or ask an administrator.",
        )
        .respond(&state, &headers)
        .await;
    }
    let account = match staff.staff_by_email(&email).await {
        Ok(a) => a,
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    };
    let password: String = form.password.chars().take(1024).collect();
    let ok = verify_password(password, account.as_ref().map(|a| a.password_hash.clone())).await;
    let account = match account {
        Some(a) if ok && !a.member.disabled => a,
        _ => {
            state.login_limiter.fail(peer.ip());
            if let Err(e) = staff.login_failed(&email, now).await {
                tracing::error!(error = %e, "recording a failed sign-in failed");
            }
            return refuse(StatusCode::UNAUTHORIZED, "email", WRONG)
                .respond(&state, &headers)
                .await;
        }
    };
    let token = new_token();
    let hash = token_hash(&token);
    let agent: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .chars()
        .take(120)
        .collect();
    let address = peer.ip().to_string();
    if let Err(e) = staff
        .create_session(&hash, &account.member.id, now, &address, &agent)
        .await
    {
        return unavailable(e).respond(&state, &headers).await;
    }
    let session = StaffSession {
        member: account.member.clone(),
        token_hash: hash,
        address,
        channel: app::domain::interaction::Via::Phone,
    };
    audit(
        &state,
        &session,
        "staff.signed_in",
        &account.member.email,
        "",
    )
    .await;
    let mut res = see_other(&next);
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, Some(&token)));
    res
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(session): Extension<StaffSession>,
) -> Response {
    if let Err(e) = state.backend().staff.end_session(&session.token_hash).await {
        tracing::error!(error = %e, "ending a session failed");
    }
    audit(
        &state,
        &session,
        "staff.signed_out",
        &session.member.email,
        "",
    )
    .await;
    let mut res = see_other("/staff/login?signed_out=1");
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, None));
    res
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Changes one's own password, ending every other session.
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let problem = |status, field: &str, message: String| {
        Problem::new(status, "/staff/account", field, message)
    };
    let backend = state.backend();
    let staff = &backend.staff;
    let account = match staff.staff_by_id(&session.member.id).await {
        Ok(Some(a)) => a,
        Ok(None) => return see_other("/staff/login"),
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    };
    if !verify_password(form.current.clone(), Some(account.password_hash)).await {
        return problem(
            StatusCode::BAD_REQUEST,
            "current",
            "Your current password is not right".into(),
        )
        .respond_as(&state, &headers, Some(session))
        .await;
    }
    if let Err(m) = check_password(&form.new) {
        return problem(StatusCode::BAD_REQUEST, "new", m)
            .respond_as(&state, &headers, Some(session))
            .await;
    }
    if form.new != form.confirm {
        return problem(
            StatusCode::BAD_REQUEST,
            "confirm",
            "The two new passwords are not the same".into(),
        )
        .respond_as(&state, &headers, Some(session))
        .await;
    }
    let hash = match hash_password(form.new).await {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "password hashing failed");
            return unavailable(app::backend::StoreError::Database(e))
                .respond(&state, &headers)
                .await;
        }
    };
    let now = OffsetDateTime::now_utc();
    if let Err(e) = staff.set_password(&session.member.id, &hash, now).await {
        return unavailable(e).respond(&state, &headers).await;
    }
    let ended = staff
        .end_sessions_of(&session.member.id, Some(&session.token_hash))
        .await
        .unwrap_or(0);
    audit(
        &state,
        &session,
        "staff.password_changed",
        &session.member.email,
        format!("{ended} other sessions ended"),
    )
    .await;
    see_other("/staff/account?done=password")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndForm {
    /// A session's short id, or `others` for every other session.
    session: String,
}

pub async fn end_sessions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<EndForm>,
) -> Response {
    let backend = state.backend();
    let staff = &backend.staff;
    if form.session == "others" {
        return match staff
            .end_sessions_of(&session.member.id, Some(&session.token_hash))
            .await
        {
            Ok(n) => {
                audit(
                    &state,
                    &session,
                    "staff.sessions_ended",
                    &session.member.email,
                    format!("{n} other sessions"),
                )
                .await;
                see_other("/staff/account?done=sessions")
            }
            Err(e) => unavailable(e).respond(&state, &headers).await,
        };
    }
    let sessions = match staff.sessions_of(&session.member.id).await {
        Ok(s) => s,
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    };
    let Some((hash, ..)) = sessions
        .iter()
        .find(|(h, ..)| form.session.len() == 12 && h.starts_with(&form.session))
    else {
        return Problem::new(
            StatusCode::NOT_FOUND,
            "/staff/account",
            "sessions",
            "That session has already ended",
        )
        .respond_as(&state, &headers, Some(session))
        .await;
    };
    if let Err(e) = staff.end_session(hash).await {
        return unavailable(e).respond(&state, &headers).await;
    }
    audit(
        &state,
        &session,
        "staff.sessions_ended",
        &session.member.email,
        "1 session",
    )
    .await;
    if *hash == session.token_hash {
        let mut res = see_other("/staff/login?signed_out=1");
        res.headers_mut()
            .insert(header::SET_COOKIE, super::session_cookie(&state, None));
        return res;
    }
    see_other("/staff/account?done=sessions")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChannelForm {
    channel: String,
    next: String,
}

/// Switches between answering the phone and seeing people face to face;
/// what the member of staff does next is recorded on that channel.
pub async fn set_channel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<ChannelForm>,
) -> Response {
    use app::domain::interaction::Via;
    let next = safe_next(&form.next).to_owned();
    let channel = match form.channel.as_str() {
        "phone" => Via::Phone,
        "face_to_face" => Via::FaceToFace,
        _ => {
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "/staff/account",
                "channel",
                "Choose phone or face to face",
            )
            .respond_as(&state, &headers, Some(session))
            .await
        }
    };
    if let Err(e) = state
        .backend()
        .staff
        .set_session_channel(&session.token_hash, channel)
        .await
    {
        return unavailable(e).respond(&state, &headers).await;
    }
    see_other(&next)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_staff_pages_are_next() {
        assert_eq!(safe_next("/staff/plan?ref=ABC"), "/staff/plan?ref=ABC");
        assert_eq!(safe_next("/staff"), "/staff");
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/plan",
            "/staffing",
            "/staff/login",
            "/staff/\\evil",
        ] {
            assert_eq!(safe_next(bad), "/staff", "{bad}");
        }
    }
}
