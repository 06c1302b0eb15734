//! Interactions: one record per meaningful thing someone did, on any
//! channel. They feed suggestions and, later, place insight.
//!
//! An interaction never holds a name, an address or free text beyond a
//! search query with anything identifying removed ([`scrub_query`]).

use super::catalogue::Catalogue;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

string_enum! {
    /// What happened.
    Kind {
        LifeEventViewed = "life_event_viewed",
        TriageAnswered = "triage_answered",
        PlanStarted = "plan_started",
        ServiceViewed = "service_viewed",
        ServiceStarted = "service_started",
        TaskTicked = "task_ticked",
        TaskUnticked = "task_unticked",
        Search = "search",
        SuggestionShown = "suggestion_shown",
        SuggestionTaken = "suggestion_taken",
    }
}

string_enum! {
    /// How the person reached us.
    Via {
        Web = "web",
        App = "app",
        Phone = "phone",
        FaceToFace = "face_to_face",
        Partner = "partner",
    }
}

impl Kind {
    /// Kinds that show a person needed a service, for learning what goes
    /// together. Merely being shown a suggestion does not count.
    pub fn shows_need(self) -> bool {
        matches!(
            self,
            Kind::ServiceViewed | Kind::ServiceStarted | Kind::TaskTicked | Kind::SuggestionTaken
        )
    }
}

/// Who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    Citizen,
    Staff(String),
    Partner(String),
}

impl Actor {
    /// `citizen`, `staff:ID` or `partner:NAME`, as stored.
    pub fn to_db(&self) -> String {
        match self {
            Actor::Citizen => "citizen".into(),
            Actor::Staff(id) => format!("staff:{id}"),
            Actor::Partner(name) => format!("partner:{name}"),
        }
    }

    pub fn from_db(s: &str) -> Actor {
        match s.split_once(':') {
            Some(("staff", id)) => Actor::Staff(id.into()),
            Some(("partner", name)) => Actor::Partner(name.into()),
            _ => Actor::Citizen,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// A UUID, chosen by whoever records it, so retries are harmless.
    pub id: String,
    pub occurred_at: OffsetDateTime,
    pub received_at: OffsetDateTime,
    pub kind: Kind,
    pub via: Via,
    pub actor: Actor,
    pub life_event: Option<String>,
    pub service: Option<String>,
    pub area: Option<String>,
    /// Links one person's interactions: a plan, a consented browsing
    /// session, or a partner's opaque id. Absent without consent.
    pub journey: Option<String>,
    pub query: Option<String>,
    pub result_count: Option<u32>,
}

impl Interaction {
    /// Whether two records of the same id say the same thing (the time it
    /// was received aside).
    pub fn same_as(&self, other: &Interaction) -> bool {
        let mut a = self.clone();
        a.received_at = other.received_at;
        a == *other
    }
}

/// What is wrong with one submitted interaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

fn bad(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        reason: reason.into(),
    }
}

/// An interaction as a partner or the app sends it, before checking.
/// Every field is optional to the parser so that what is missing or wrong
/// can be named in the answer; the check enforces what is required.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Submitted {
    /// A UUID chosen by the sender: sending the same one again is harmless.
    #[cfg_attr(
        feature = "ssr",
        schema(
            required = true,
            nullable = false,
            pattern = "^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$",
            example = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
        )
    )]
    pub id: Option<String>,
    /// When it happened (RFC 3339); at most a day ahead of the server's clock.
    #[cfg_attr(feature = "ssr", schema(required = true, nullable = false, format = DateTime, example = "2027-03-01T09:30:00Z"))]
    pub occurred_at: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true, nullable = false, value_type = Kind))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true, nullable = false, value_type = Via))]
    pub channel: Option<String>,
    /// A life event slug from the catalogue.
    #[cfg_attr(feature = "ssr", schema(example = "moving-home"))]
    pub life_event: Option<String>,
    /// A service slug from the catalogue; required for service, task and
    /// suggestion kinds.
    #[cfg_attr(feature = "ssr", schema(example = "council-tax-moving"))]
    pub service: Option<String>,
    /// An area code from `/api/v1/areas`, never an address or postcode.
    #[cfg_attr(feature = "ssr", schema(example = "FH03"))]
    pub area: Option<String>,
    /// An opaque id linking one person's interactions: 1 to 64 letters,
    /// digits, dashes or underscores.
    #[cfg_attr(feature = "ssr", schema(pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub journey: Option<String>,
    /// What was searched for (search only; at most 200 characters). Email
    /// addresses, phone numbers, postcodes and long digit runs are removed
    /// before it is stored.
    pub query: Option<String>,
    /// How many results the search found (search only).
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 100000))]
    pub result_count: Option<i64>,
}

/// True for the canonical 8-4-4-4-12 hexadecimal UUID form.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Submitted {
    /// Checks every field against the catalogue, naming the first field at
    /// fault. Times more than a day ahead of `now` are refused; the offline
    /// app may send old ones.
    pub fn check(
        self,
        catalogue: &Catalogue,
        actor: Actor,
        now: OffsetDateTime,
    ) -> Result<Interaction, FieldError> {
        let id = self
            .id
            .ok_or_else(|| bad("id", "is required"))?
            .to_ascii_lowercase();
        if !is_uuid(&id) {
            return Err(bad(
                "id",
                "must be a UUID, like 3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b",
            ));
        }
        let occurred = self
            .occurred_at
            .ok_or_else(|| bad("occurred_at", "is required"))?;
        let occurred_at = OffsetDateTime::parse(&occurred, &Rfc3339).map_err(|_| {
            bad(
                "occurred_at",
                "must be an RFC 3339 time, like 2027-03-01T09:30:00Z",
            )
        })?;
        // Stored to the microsecond in UTC, as PostgreSQL keeps it, so a
        // repeat compares equal on every database.
        let occurred_at = to_micros(occurred_at);
        if occurred_at > now + time::Duration::days(1) {
            return Err(bad("occurred_at", "is in the future"));
        }
        let kind = self.kind.ok_or_else(|| bad("kind", "is required"))?;
        let kind = Kind::parse(&kind).ok_or_else(|| {
            bad(
                "kind",
                format!(
                    "must be one of {}",
                    Kind::ALL
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let via = self.channel.ok_or_else(|| bad("channel", "is required"))?;
        let via = Via::parse(&via).ok_or_else(|| {
            bad(
                "channel",
                format!(
                    "must be one of {}",
                    Via::ALL
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        if let Some(le) = &self.life_event {
            if catalogue.life_event(le).is_none() {
                return Err(bad(
                    "life_event",
                    format!("'{le}' is not a life event in the catalogue"),
                ));
            }
        }
        if let Some(s) = &self.service {
            if catalogue.service(s).is_none() {
                return Err(bad(
                    "service",
                    format!("'{s}' is not a service in the catalogue"),
                ));
            }
        }
        if let Some(a) = &self.area {
            if catalogue.area(a).is_none() {
                return Err(bad(
                    "area",
                    format!("'{a}' is not one of the place's area codes (see /api/v1/areas)"),
                ));
            }
        }
        if let Some(j) = &self.journey {
            if j.is_empty()
                || j.len() > 64
                || !j
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(bad(
                    "journey",
                    "must be 1 to 64 letters, digits, dashes or underscores",
                ));
            }
        }
        let result_count = match self.result_count {
            None => None,
            Some(n) if (0..=100_000).contains(&n) => Some(n as u32),
            Some(_) => {
                return Err(bad(
                    "result_count",
                    "must be a whole number from 0 to 100000",
                ))
            }
        };
        let query = match (&self.query, kind) {
            (Some(_), k) if k != Kind::Search => {
                return Err(bad("query", "is only for search interactions"))
            }
            (Some(q), _) if q.chars().count() > 200 => {
                return Err(bad("query", "must be at most 200 characters"))
            }
            (Some(q), _) => Some(scrub_query(q)).filter(|q| !q.is_empty()),
            (None, _) => None,
        };
        let needs_subject = matches!(
            kind,
            Kind::ServiceViewed
                | Kind::ServiceStarted
                | Kind::TaskTicked
                | Kind::TaskUnticked
                | Kind::SuggestionShown
                | Kind::SuggestionTaken
        );
        if needs_subject && self.service.is_none() {
            return Err(bad("service", format!("is required for {}", kind.as_str())));
        }
        if matches!(
            kind,
            Kind::LifeEventViewed | Kind::TriageAnswered | Kind::PlanStarted
        ) && self.life_event.is_none()
        {
            return Err(bad(
                "life_event",
                format!("is required for {}", kind.as_str()),
            ));
        }
        Ok(Interaction {
            id,
            occurred_at,
            received_at: to_micros(now),
            kind,
            via,
            actor,
            life_event: self.life_event,
            service: self.service,
            area: self.area,
            journey: self.journey,
            query,
            result_count,
        })
    }
}

/// The same instant in UTC, to the microsecond.
pub fn to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

/// Removes what could identify someone from a search query: email
/// addresses, phone numbers, postcodes and long runs of digits (account,
/// National Insurance or reference numbers). Each becomes a placeholder so
/// the shape of the query stays useful.
pub fn scrub_query(q: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let bare: String = w
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '@' || *c == '.' || *c == '+')
            .collect();
        // A phone number may be split over several words: join digit groups.
        let mut digits = String::new();
        let mut j = i;
        while j < words.len() {
            let d: String = words[j]
                .chars()
                .filter(|c| !matches!(c, '(' | ')' | '-' | '+'))
                .collect();
            if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) {
                digits.push_str(&d);
                j += 1;
            } else {
                break;
            }
        }
        if digits.len() >= 6 {
            out.push(if digits.len() >= 10 {
                "[phone]".into()
            } else {
                "[number]".into()
            });
            i = j;
            continue;
        }
        if bare.contains('@') && bare.contains('.') {
            out.push("[email]".into());
        } else if is_postcode_outward(&bare)
            && words.get(i + 1).is_some_and(|n| is_postcode_inward(n))
        {
            out.push("[postcode]".into());
            i += 1;
        } else if is_full_postcode(&bare) {
            out.push("[postcode]".into());
        } else if looks_like_ni_number(&bare)
            || bare.chars().filter(|c| c.is_ascii_digit()).count() >= 6
        {
            out.push("[number]".into());
        } else {
            out.push(w.to_owned());
        }
        i += 1;
    }
    out.join(" ")
}

fn is_postcode_outward(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=4).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().any(|c| c.is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_alphanumeric())
}

fn is_postcode_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

fn is_full_postcode(s: &str) -> bool {
    s.len() >= 5
        && s.len() <= 7
        && is_postcode_inward(&s[s.len() - 3..])
        && is_postcode_outward(&s[..s.len() - 3])
}

fn looks_like_ni_number(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8
        && b.len() <= 9
        && b[0].is_ascii_alphabetic()
        && b[1].is_ascii_alphabetic()
        && b[2..8].iter().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_lose_what_identifies_people() {
        assert_eq!(scrub_query("council tax"), "council tax");
        assert_eq!(
            scrub_query("bins for jo.bloggs@example.com"),
            "bins for [email]"
        );
        assert_eq!(scrub_query("call me 07700 900123"), "call me [phone]");
        assert_eq!(
            scrub_query("skip at FH1 2AB please"),
            "skip at [postcode] please"
        );
        assert_eq!(scrub_query("skip at fh12ab"), "skip at [postcode]");
        assert_eq!(scrub_query("account 12345678"), "account [number]");
        assert_eq!(scrub_query("ni QQ123456C"), "ni [number]");
        assert_eq!(scrub_query("form 42 for 2 kids"), "form 42 for 2 kids");
    }

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid("3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"));
        assert!(!is_uuid("3f2b8c1e5d4a4e6f9a7b1c2d3e4f5a6b"));
        assert!(!is_uuid("3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6"));
        assert!(!is_uuid("zf2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"));
    }

    #[test]
    fn actors_round_trip() {
        for a in [
            Actor::Citizen,
            Actor::Staff("12".into()),
            Actor::Partner("nhs".into()),
        ] {
            assert_eq!(Actor::from_db(&a.to_db()), a);
        }
    }
}
