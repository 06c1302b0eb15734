//! What an agent does on a call: open a caller's plan, tick tasks on their
//! behalf, start or extend a plan, offer what else they may need, and
//! record how the call ended. Each action is audited, noted in the plan's
//! history where it changes the plan, and recorded as an interaction with
//! the agent as actor.

use super::audit;
use crate::forms::{see_other, unavailable, Problem};
use crate::plans;
use crate::AppState;
use app::backend::{new_uuid, plan_journey, staff_interaction, StaffSession};
use app::domain::interaction::{is_uuid, Kind, Via};
use app::domain::journey::Answers;
use app::domain::plan::{parse_date_parts, PlanEvent};
use app::domain::reference::Reference;
use app::domain::staff::{CallAction, CallOutcome};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use time::OffsetDateTime;

fn plan_page(reference: &Reference) -> String {
    format!("/staff/plan?ref={}", reference.as_str())
}

/// Reads a reference from a form, or answers with the console's problem.
async fn reference_from(
    state: &AppState,
    headers: &HeaderMap,
    session: &StaffSession,
    typed: &str,
) -> Result<Reference, Response> {
    let typed: String = typed.chars().take(40).collect();
    match Reference::parse(&typed) {
        Ok(r) => Ok(r),
        Err(e) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "/staff",
            "reference",
            e.to_string(),
        )
        .with_values(vec![("reference".into(), typed)])
        .respond_as(state, headers, Some(session.clone()))
        .await),
    }
}

fn no_plan(typed: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "/staff",
        "reference",
        "There is no plan with that reference. Check it with the caller, letter by letter.",
    )
    .with_values(vec![("reference".into(), typed.to_owned())])
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenForm {
    reference: String,
}

pub async fn open_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<OpenForm>,
) -> Response {
    let reference = match reference_from(&state, &headers, &session, &form.reference).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    match state.backend().store.plan(&reference).await {
        Ok(Some(_)) => {
            audit(&state, &session, "plan.opened", reference.as_str(), "").await;
            see_other(&plan_page(&reference))
        }
        Ok(None) => {
            no_plan(&form.reference)
                .respond_as(&state, &headers, Some(session))
                .await
        }
        Err(e) => unavailable(e).respond(&state, &headers).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TickForm {
    reference: String,
    task: String,
    done: String,
}

pub async fn tick(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<TickForm>,
) -> Response {
    let reference = match reference_from(&state, &headers, &session, &form.reference).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let page = plan_page(&reference);
    let bad = |m: &str| Problem::new(StatusCode::BAD_REQUEST, page.clone(), "tasks", m);
    let done = match form.done.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return bad("Say whether the task is done or not")
                .respond_as(&state, &headers, Some(session))
                .await
        }
    };
    let backend = state.backend();
    let ticked = match plans::set_task(&backend, &reference, &form.task, done).await {
        Ok(t) => t,
        Err(plans::TickRefused::NoPlan) => {
            return no_plan(&form.reference)
                .respond_as(&state, &headers, Some(session))
                .await
        }
        Err(plans::TickRefused::NotInPlan) => {
            return bad("That task is not part of this plan")
                .respond_as(&state, &headers, Some(session))
                .await
        }
        Err(plans::TickRefused::Store(e)) => return unavailable(e).respond(&state, &headers).await,
    };
    let key = &ticked.key;
    let kind = plans::tick_kind(done);
    let action = plans::tick_action(done);
    backend.recorder.record(staff_interaction(
        &session,
        kind,
        Some(&reference),
        Some(&key.life_event),
        Some(&key.service),
    ));
    plans::note_change(
        &backend,
        &reference,
        Some(&session.member),
        action,
        &ticked.label,
    )
    .await;
    audit(
        &state,
        &session,
        &format!("plan.{action}"),
        reference.as_str(),
        key.to_string(),
    )
    .await;
    see_other(&format!("{page}&done={action}#tasks"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    reference: String,
    confirm: String,
}

pub async fn delete_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<DeleteForm>,
) -> Response {
    let reference = match reference_from(&state, &headers, &session, &form.reference).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    if form.confirm != "yes" {
        return Problem::new(
            StatusCode::BAD_REQUEST,
            plan_page(&reference),
            "confirm-delete",
            "Tick the box to confirm the caller wants their plan deleted",
        )
        .respond_as(&state, &headers, Some(session))
        .await;
    }
    if let Err(e) = plans::delete_and_forget(&state.backend(), &reference).await {
        return unavailable(e).respond(&state, &headers).await;
    }
    audit(&state, &session, "plan.deleted", reference.as_str(), "").await;
    see_other("/staff?done=deleted")
}

/// Starts a plan for a caller, or adds a life event to their plan (or
/// changes its answers) when a reference is given.
pub async fn save_journey(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let backend = state.backend();
    let catalogue = &backend.catalogue;
    let Some(le) = catalogue.life_event(&field("life_event")) else {
        return Problem::new(
            StatusCode::NOT_FOUND,
            "/staff",
            "main",
            "There is no such life event. Choose one from the list.",
        )
        .respond_as(&state, &headers, Some(session))
        .await;
    };
    let typed_ref = field("reference");
    let reference = if typed_ref.is_empty() {
        None
    } else {
        match reference_from(&state, &headers, &session, &typed_ref).await {
            Ok(r) => Some(r),
            Err(res) => return res,
        }
    };
    let answers = Answers::parse(le, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut page = format!("/staff/journey/{}", le.slug);
    if let Some(r) = &reference {
        page.push_str(&format!("?ref={}", r.as_str()));
    }
    let event_date = if le.event_date_label.is_some() {
        match parse_date_parts(&field("day"), &field("month"), &field("year")) {
            Ok(d) => d,
            Err(message) => {
                let values = pairs.clone();
                return Problem::new(StatusCode::BAD_REQUEST, page, "date-day", message)
                    .with_values(values)
                    .respond_as(&state, &headers, Some(session))
                    .await;
            }
        }
    } else {
        None
    };
    let event = PlanEvent {
        life_event: le.slug.clone(),
        answers,
        event_date,
    };
    let now = OffsetDateTime::now_utc();
    if let Some(reference) = reference {
        let put = match plans::put_event(&backend, &reference, &event, now).await {
            Ok(Some(put)) => put,
            Ok(None) => {
                return no_plan(&typed_ref)
                    .respond_as(&state, &headers, Some(session))
                    .await
            }
            Err(e) => return unavailable(e).respond(&state, &headers).await,
        };
        let kind = match put {
            plans::Put::Changed => Kind::TriageAnswered,
            plans::Put::Added => Kind::PlanStarted,
        };
        backend.recorder.record(staff_interaction(
            &session,
            kind,
            Some(&reference),
            Some(&le.slug),
            None,
        ));
        let action = put.action();
        plans::note_change(
            &backend,
            &reference,
            Some(&session.member),
            action,
            &le.name,
        )
        .await;
        audit(
            &state,
            &session,
            &format!("plan.{action}"),
            reference.as_str(),
            &le.slug,
        )
        .await;
        return see_other(&format!("{}&done={action}", plan_page(&reference)));
    }
    let request_id = plans::request_id_or_fresh(&field("request_id"));
    let reference = match plans::create(&backend, &request_id, &event, now).await {
        Ok(r) => r,
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    };
    backend.recorder.record(staff_interaction(
        &session,
        Kind::PlanStarted,
        Some(&reference),
        Some(&le.slug),
        None,
    ));
    plans::note_change(
        &backend,
        &reference,
        Some(&session.member),
        "created",
        &le.name,
    )
    .await;
    audit(
        &state,
        &session,
        "plan.created",
        reference.as_str(),
        &le.slug,
    )
    .await;
    see_other(&format!("{}&done=created", plan_page(&reference)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OfferForm {
    reference: String,
    service: String,
    taken: String,
}

/// Records that the agent offered a suggested service, and whether the
/// caller took it up.
pub async fn offer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<OfferForm>,
) -> Response {
    let reference = match reference_from(&state, &headers, &session, &form.reference).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let page = plan_page(&reference);
    let backend = state.backend();
    let Some(service) = backend.catalogue.service(&form.service) else {
        return Problem::new(
            StatusCode::BAD_REQUEST,
            page,
            "offer-next",
            "That is not a service in the catalogue",
        )
        .respond_as(&state, &headers, Some(session))
        .await;
    };
    let taken = match form.taken.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Problem::new(
                StatusCode::BAD_REQUEST,
                page,
                "offer-next",
                "Say whether the caller took it up",
            )
            .respond_as(&state, &headers, Some(session))
            .await
        }
    };
    match backend.store.plan(&reference).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return no_plan(&form.reference)
                .respond_as(&state, &headers, Some(session))
                .await
        }
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    }
    backend.recorder.record(staff_interaction(
        &session,
        Kind::SuggestionShown,
        Some(&reference),
        None,
        Some(&service.slug),
    ));
    if taken {
        backend.recorder.record(staff_interaction(
            &session,
            Kind::SuggestionTaken,
            Some(&reference),
            None,
            Some(&service.slug),
        ));
    }
    let detail = format!(
        "{}: {}",
        service.slug,
        if taken { "taken up" } else { "declined" }
    );
    plans::note_change(
        &backend,
        &reference,
        Some(&session.member),
        "offered",
        format!(
            "{} ({})",
            service.name,
            if taken { "taken up" } else { "declined" }
        ),
    )
    .await;
    audit(&state, &session, "plan.offered", reference.as_str(), detail).await;
    see_other(&format!(
        "{page}&done={}#offer-next",
        if taken {
            "offer_taken"
        } else {
            "offer_declined"
        }
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OutcomeForm {
    id: String,
    reference: String,
    about: String,
    action: String,
    resolved: String,
    channel: String,
}

/// Records what a call was about and how it ended. Idempotent on the
/// form's id, so a double submission counts once.
pub async fn outcome(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(session): Extension<StaffSession>,
    Form(form): Form<OutcomeForm>,
) -> Response {
    let reference = if form.reference.trim().is_empty() {
        None
    } else {
        match reference_from(&state, &headers, &session, &form.reference).await {
            Ok(r) => Some(r),
            Err(res) => return res,
        }
    };
    let page = reference
        .as_ref()
        .map(plan_page)
        .unwrap_or_else(|| "/staff".to_owned());
    let values = vec![
        ("about".to_owned(), form.about.clone()),
        ("action".to_owned(), form.action.clone()),
        ("resolved".to_owned(), form.resolved.clone()),
        ("channel".to_owned(), form.channel.clone()),
    ];
    let bad = |field: &str, m: &str| {
        Problem::new(StatusCode::BAD_REQUEST, page.clone(), field, m).with_values(values.clone())
    };
    let backend = state.backend();
    let catalogue = &backend.catalogue;
    // `about` is `life_event:SLUG` or `service:SLUG`.
    let (life_event, service) = match form.about.split_once(':') {
        Some(("life_event", s)) if catalogue.life_event(s).is_some() => (Some(s.to_owned()), None),
        Some(("service", s)) if catalogue.service(s).is_some() => (None, Some(s.to_owned())),
        _ => {
            return bad("outcome-about", "Choose what the caller wanted")
                .respond_as(&state, &headers, Some(session))
                .await
        }
    };
    let Some(action) = CallAction::parse(&form.action) else {
        return bad("outcome-action-gave_information", "Choose what was done")
            .respond_as(&state, &headers, Some(session))
            .await;
    };
    let resolved = match form.resolved.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return bad(
                "outcome-resolved-yes",
                "Say whether it was resolved on this contact",
            )
            .respond_as(&state, &headers, Some(session))
            .await
        }
    };
    let via = match form.channel.as_str() {
        "" => session.channel,
        "phone" => Via::Phone,
        "face_to_face" => Via::FaceToFace,
        _ => {
            return bad("outcome-channel-phone", "Choose phone or face to face")
                .respond_as(&state, &headers, Some(session))
                .await
        }
    };
    let id = if is_uuid(&form.id) {
        form.id.to_ascii_lowercase()
    } else {
        new_uuid()
    };
    let outcome = CallOutcome {
        id,
        at: OffsetDateTime::now_utc(),
        staff_id: session.member.id.clone(),
        channel: via.as_str().to_owned(),
        life_event,
        service,
        action,
        resolved,
        plan: reference.as_ref().map(plan_journey),
    };
    match backend.staff.record_outcome(&outcome).await {
        Ok(true) => {
            audit(
                &state,
                &session,
                "call.outcome",
                reference.as_ref().map(|r| r.as_str()).unwrap_or("-"),
                format!(
                    "{}; {}; resolved: {}",
                    form.about,
                    action.as_str(),
                    if resolved { "yes" } else { "no" }
                ),
            )
            .await;
        }
        Ok(false) => {} // A repeat of a recorded outcome.
        Err(e) => return unavailable(e).respond(&state, &headers).await,
    }
    let sep = if page.contains('?') { '&' } else { '?' };
    see_other(&format!("{page}{sep}done=outcome#outcome"))
}
