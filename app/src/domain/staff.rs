//! Staff: roles and what each may do, accounts, the audit log, call
//! outcomes and who changed a plan. Plain data and rules; the server checks
//! them on every request.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A member of staff's job, which decides what they may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Contact-centre agent: finds services and acts on citizens' plans.
    Agent,
    /// Looks at patterns across the place (insight comes later); can find
    /// services but not act on plans.
    Officer,
    /// Manages staff accounts, API keys and the catalogue.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Officer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Agent => "Contact-centre agent",
            Role::Officer => "Officer",
            Role::Admin => "Administrator",
        }
    }

    /// Whether this role may do `p`. The one place permissions are decided.
    pub fn may(self, p: Permission) -> bool {
        match p {
            Permission::Account | Permission::FindServices => true,
            Permission::ActOnPlans => matches!(self, Role::Agent | Role::Admin),
            Permission::Administer => self == Role::Admin,
        }
    }
}

/// What a staff route needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Their own account: sessions, password, signing out.
    Account,
    /// The console's search over services and life events.
    FindServices,
    /// Opening, creating and changing citizens' plans; offers and outcomes.
    ActOnPlans,
    /// Staff accounts, roles, API keys, the catalogue and the audit log.
    Administer,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

/// A staff member's stored account, with the password hash (server only).
#[derive(Clone, Debug)]
pub struct StaffAccount {
    pub member: StaffMember,
    pub password_hash: String,
    pub password_changed_at: OffsetDateTime,
}

/// A signed-in session, as listed to its owner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The first 12 hex digits of the token's hash: enough to name it.
    pub id: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub address: String,
    pub agent: String,
    pub current: bool,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: OffsetDateTime,
    pub staff_id: String,
    pub staff_email: String,
    /// e.g. `plan.opened`, `plan.ticked`, `staff.created`, `api_key.revoked`.
    pub action: String,
    /// What it was done to: a plan reference, an email, a key name.
    pub target: String,
    pub detail: String,
    pub address: String,
}

/// What to show of the audit log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the staff email.
    pub staff: Option<String>,
    /// An action or its prefix (`plan.`).
    pub action: Option<String>,
    /// A plan reference, email or key name.
    pub target: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

/// Who changed a plan and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanChange {
    pub at: OffsetDateTime,
    /// `citizen`, or `staff:ID`.
    pub actor: String,
    /// The staff member's name, when it was staff.
    pub staff_name: Option<String>,
    /// `created`, `ticked`, `unticked`, `added_life_event`, `changed_answers`.
    pub action: String,
    pub detail: String,
}

/// What the agent did on a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallAction {
    GaveInformation,
    StartedPlan,
    UpdatedPlan,
    Referred,
    NoAction,
}

impl CallAction {
    pub const ALL: [CallAction; 5] = [
        CallAction::GaveInformation,
        CallAction::StartedPlan,
        CallAction::UpdatedPlan,
        CallAction::Referred,
        CallAction::NoAction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallAction::GaveInformation => "gave_information",
            CallAction::StartedPlan => "started_plan",
            CallAction::UpdatedPlan => "updated_plan",
            CallAction::Referred => "referred",
            CallAction::NoAction => "no_action",
        }
    }

    pub fn parse(s: &str) -> Option<CallAction> {
        CallAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CallAction::GaveInformation => "Gave information",
            CallAction::StartedPlan => "Started a plan",
            CallAction::UpdatedPlan => "Updated their plan",
            CallAction::Referred => "Referred to another organisation",
            CallAction::NoAction => "Nothing could be done",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallOutcome {
    pub id: String,
    pub at: OffsetDateTime,
    pub staff_id: String,
    /// `phone` or `face_to_face`.
    pub channel: String,
    pub life_event: Option<String>,
    pub service: Option<String>,
    pub action: CallAction,
    pub resolved: bool,
    /// The plan's journey id (a hash), when the call was about a plan.
    pub plan: Option<String>,
}

/// Staff email addresses: one `@`, something either side, no spaces;
/// compared in lower case.
pub fn normalise_email(s: &str) -> Result<String, &'static str> {
    let e = s.trim().to_lowercase();
    let Some((local, domain)) = e.split_once('@') else {
        return Err("Enter an email address in the correct format, like name@example.gov.uk");
    };
    if local.is_empty()
        || domain.len() < 3
        || !domain.contains('.')
        || domain.contains('@')
        || e.chars().any(char::is_whitespace)
        || e.len() > 254
    {
        return Err("Enter an email address in the correct format, like name@example.gov.uk");
    }
    Ok(e)
}

/// Fewest characters a password may have. Length is what counts (NCSC
/// guidance): no composition rules, paste allowed.
pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 256;

pub fn check_password(p: &str) -> Result<(), String> {
    let n = p.chars().count();
    if n < MIN_PASSWORD {
        return Err(format!(
            "Password must be at least {MIN_PASSWORD} characters; three random words work well"
        ));
    }
    if n > MAX_PASSWORD {
        return Err(format!(
            "Password must be {MAX_PASSWORD} characters or fewer"
        ));
    }
    Ok(())
}

/// A display name: 1 to 80 characters, trimmed.
pub fn check_name(s: &str) -> Result<String, &'static str> {
    let n = s.trim();
    if n.is_empty() {
        return Err("Enter the person's name");
    }
    if n.chars().count() > 80 {
        return Err("Name must be 80 characters or fewer");
    }
    Ok(n.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_what_they_should() {
        use Permission::*;
        let table = [
            (Role::Agent, [true, true, true, false]),
            (Role::Officer, [true, true, false, false]),
            (Role::Admin, [true, true, true, true]),
        ];
        for (role, expect) in table {
            let got = [Account, FindServices, ActOnPlans, Administer].map(|p| role.may(p));
            assert_eq!(got, expect, "{role:?}");
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn emails_and_passwords() {
        assert_eq!(
            normalise_email("  Alex.Agent@Fernhallow.Example "),
            Ok("alex.agent@fernhallow.example".into())
        );
        for bad in ["", "alex", "@x.y", "a@b", "a b@c.d", "a@b@c.d"] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
        assert!(check_password("short").is_err());
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password(&"x".repeat(300)).is_err());
        assert_eq!(check_name("  Alex  "), Ok("Alex".into()));
        assert!(check_name(" ").is_err());
    }

    #[test]
    fn call_actions_round_trip() {
        for a in CallAction::ALL {
            assert_eq!(CallAction::parse(a.as_str()), Some(a));
        }
    }
}
