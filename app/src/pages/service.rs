//! A service: what it is, who can use it, what it costs, how to do it, and
//! what people usually need alongside it. Carries schema.org
//! `GovernmentService` data for search engines and partners.

use crate::components::layout::{BackLink, Layout};
use crate::components::summary_list::summary_row;
use crate::domain::catalogue::{Catalogue, Channel, Service};
use crate::domain::interaction::Kind;
use crate::domain::suggest::Context;
use crate::pages::not_found::NotFoundBody;
use crate::queries::{record, set_status, suggestions_for, with_catalogue, Record};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// schema.org JSON-LD, with `<` escaped so the text cannot end its script tag.
pub fn json_ld(service: &Service, catalogue: &Catalogue) -> String {
    let org = catalogue.organisation(&service.organisation);
    let channels: Vec<serde_json::Value> = service
        .channels
        .iter()
        .map(|c| match c {
            Channel::Online { url, .. } => serde_json::json!({"@type": "ServiceChannel", "serviceUrl": url}),
            Channel::Phone { number, .. } => serde_json::json!({"@type": "ServiceChannel", "servicePhone": {"@type": "ContactPoint", "telephone": number}}),
            Channel::InPerson { location, .. } => serde_json::json!({"@type": "ServiceChannel", "serviceLocation": {"@type": "Place", "name": location}}),
        })
        .collect();
    let v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": service.name,
        "description": service.summary,
        "url": service.url,
        "serviceType": service.name,
        "areaServed": {"@type": "AdministrativeArea", "name": catalogue.place.name},
        "provider": org.map(|o| serde_json::json!({"@type": "Organization", "name": o.name, "url": o.url})),
        "availableChannel": channels,
    });
    v.to_string().replace('<', "\\u003c")
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let from_suggestion =
        use_query_map().get_untracked().get("from").as_deref() == Some("suggestion");
    let found = with_catalogue(|c| {
        let s = c.service(&slug)?.clone();
        let org = c
            .organisation(&s.organisation)
            .map(|o| (o.name.clone(), o.url.clone()));
        let life_events: Vec<(String, String)> = c
            .life_events_using(&s.slug)
            .iter()
            .map(|le| (le.slug.clone(), le.name.clone()))
            .collect();
        let related: Vec<(String, String, String)> = suggestions_for(
            Context {
                services: vec![s.slug.clone()],
                ..Default::default()
            },
            6,
        )
        .into_iter()
        .map(|r| (r.service, r.name, r.reason))
        .collect();
        let ld = json_ld(&s, c);
        Some((s, org, life_events, related, ld))
    })
    .flatten();
    let Some((s, org, life_events, related, ld)) = found else {
        set_status(404);
        return view! { <Layout title="Page not found"><NotFoundBody /></Layout> }.into_any();
    };
    record(Record {
        service: Some(&s.slug),
        ..Record::new(if from_suggestion {
            Kind::SuggestionTaken
        } else {
            Kind::ServiceViewed
        })
    });
    let related_heading = match life_events.first() {
        Some((_, name)) => format!("People dealing with {} also need", name.to_lowercase()),
        None => "People who use this service also need".to_owned(),
    };
    // Online links go through the server so that starting is recorded.
    let start = format!("/services/{}/start", s.slug);
    let channels = s.channels.iter().map(|c| match c.clone() {
        Channel::Online { label, .. } => view! {
            <div class="ds-channel">
                <h3>"Online"</h3>
                <p><a href=start.clone() class="ds-button ds-button--start" rel="noopener">{label.unwrap_or_else(|| "Start now".to_owned())}</a></p>
            </div>
        }.into_any(),
        Channel::Phone { number, hours } => view! {
            <div class="ds-channel">
                <h3>"By phone"</h3>
                <p><a href=format!("tel:{}", number.replace(' ', ""))>{number.clone()}</a></p>
                {hours.map(|h| view! { <p class="ds-hint">{h}</p> })}
            </div>
        }.into_any(),
        Channel::InPerson { location, hours } => view! {
            <div class="ds-channel">
                <h3>"In person"</h3>
                <p>{location}</p>
                {hours.map(|h| view! { <p class="ds-hint">{h}</p> })}
            </div>
        }.into_any(),
    }).collect_view();
    view! {
        <Layout title=s.name.clone() description=s.summary.clone()>
            <BackLink href=life_events.first().map(|(slug, _)| format!("/life-events/{slug}")).unwrap_or_else(|| "/".to_owned()) text=life_events.first().map(|(_, n)| format!("Back to {n}")).unwrap_or_else(|| "All life events".to_owned()) />
            <script type="application/ld+json" inner_html=ld></script>
            {org.clone().map(|(name, _)| view! { <span class="ds-caption">{name}</span> })}
            <h1>{s.name.clone()}</h1>
            <p class="ds-lead">{s.summary.clone()}</p>
            <p>{s.description.clone()}</p>
            <dl class="ds-summary-list">
                {summary_row("Who can use it", s.eligibility_description.clone())}
                {summary_row("What it costs", s.fees_description.clone())}
                {s.deadline_description.clone().map(|d| summary_row("Deadline", d))}
                {org.map(|(name, url)| summary_row("Provided by", view! { <a href=url rel="noopener">{name}</a> }))}
            </dl>
            <h2>"How to do it"</h2>
            <div class="ds-channels">{channels}</div>
            {(!related.is_empty()).then(|| view! {
                <aside class="ds-related" aria-labelledby="related-title">
                    <h2 id="related-title">{related_heading}</h2>
                    <ul class="ds-related__list">
                        {related.into_iter().map(|(slug, name, summary)| view! {
                            <li><a href=format!("/services/{slug}?from=suggestion")>{name}</a><p class="ds-hint">{summary}</p></li>
                        }).collect_view()}
                    </ul>
                </aside>
            })}
            {(!life_events.is_empty()).then(|| view! {
                <h2>"Part of"</h2>
                <ul class="ds-list">
                    {life_events.into_iter().map(|(slug, name)| view! { <li><a href=format!("/life-events/{slug}")>{name}</a></li> }).collect_view()}
                </ul>
            })}
        </Layout>
    }
    .into_any()
}
