//! A case's history: the statuses the person has held (`[[status]]` periods: visa, temporary
//! residence permit, permanent residence, visa-free stay) and dated events (`[[event]]`:
//! arrival, departure, address change, employment, enrolment, marriage, company, capital,
//! permits, certificates, filings). The continuity planner reads it to compute deadlines,
//! watch the ground of the current status and plan the path to permanent residence.
//!
//! ```toml
//! [[status]]
//! kind = "visa"                 # visa | temporary_residence_permit | permanent_residence | visa_free
//! category = "C3"               # optional: the visa or permit category
//! ground = "work"               # optional: the route id the status rests on
//! valid_from = 2026-02-01
//! valid_to = 2027-01-31         # optional: open-ended when absent
//!
//! [[event]]
//! kind = "arrival"
//! date = 2026-03-20
//! note = "Almaty airport"       # optional
//! ```
//!
//! TOML and JSON have the same shape (dates as `"2026-03-20"` strings in JSON). Every error
//! names its field (`event[3].date: expected a date such as 2026-03-20, found "20.03"`).

use qonys_time::Date;

use super::FieldError;

/// The kind of a status period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// A visa (its `category`: C3, C9, C5, …).
    Visa,
    /// A temporary residence permit (РВП).
    TemporaryResidencePermit,
    /// Permanent residence (permit and residence card).
    PermanentResidence,
    /// A stay on the visa-free regime.
    VisaFree,
}

impl StatusKind {
    /// Every kind, in declaration order.
    pub const ALL: [StatusKind; 4] = [
        StatusKind::Visa,
        StatusKind::TemporaryResidencePermit,
        StatusKind::PermanentResidence,
        StatusKind::VisaFree,
    ];

    /// The identifier used in case and pack files.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::Visa => "visa",
            StatusKind::TemporaryResidencePermit => "temporary_residence_permit",
            StatusKind::PermanentResidence => "permanent_residence",
            StatusKind::VisaFree => "visa_free",
        }
    }

    /// Reads an identifier.
    pub fn parse(s: &str) -> Option<StatusKind> {
        StatusKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The kind of a dated event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Crossed the border into Kazakhstan.
    Arrival,
    /// Left Kazakhstan.
    Departure,
    /// Moved to another address in Kazakhstan.
    AddressChange,
    /// The stay was registered (host notification or own online registration).
    Registered,
    /// Started work under an employment contract.
    EmploymentStart,
    /// The employment contract ended.
    EmploymentEnd,
    /// Enrolled at an education institution.
    EnrolmentStart,
    /// Studies ended (graduated, expelled or left).
    EnrolmentEnd,
    /// Married.
    Marriage,
    /// The marriage was dissolved.
    Divorce,
    /// A company was registered (business immigrant).
    CompanyRegistered,
    /// The company's capital was paid into a Kazakhstan bank.
    CapitalTransferred,
    /// A visa or permit was issued.
    PermitIssued,
    /// A visa or permit expired or was annulled.
    PermitExpired,
    /// An application to extend a visa or permit was filed.
    ExtensionFiled,
    /// A certificate for a filing was issued (solvency, criminal record, medical).
    CertificateIssued,
    /// An application (for a permit, permanent residence, citizenship) was filed.
    ApplicationFiled,
}

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: [EventKind; 17] = [
        EventKind::Arrival,
        EventKind::Departure,
        EventKind::AddressChange,
        EventKind::Registered,
        EventKind::EmploymentStart,
        EventKind::EmploymentEnd,
        EventKind::EnrolmentStart,
        EventKind::EnrolmentEnd,
        EventKind::Marriage,
        EventKind::Divorce,
        EventKind::CompanyRegistered,
        EventKind::CapitalTransferred,
        EventKind::PermitIssued,
        EventKind::PermitExpired,
        EventKind::ExtensionFiled,
        EventKind::CertificateIssued,
        EventKind::ApplicationFiled,
    ];

    /// The identifier used in case and pack files.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Arrival => "arrival",
            EventKind::Departure => "departure",
            EventKind::AddressChange => "address_change",
            EventKind::Registered => "registered",
            EventKind::EmploymentStart => "employment_start",
            EventKind::EmploymentEnd => "employment_end",
            EventKind::EnrolmentStart => "enrolment_start",
            EventKind::EnrolmentEnd => "enrolment_end",
            EventKind::Marriage => "marriage",
            EventKind::Divorce => "divorce",
            EventKind::CompanyRegistered => "company_registered",
            EventKind::CapitalTransferred => "capital_transferred",
            EventKind::PermitIssued => "permit_issued",
            EventKind::PermitExpired => "permit_expired",
            EventKind::ExtensionFiled => "extension_filed",
            EventKind::CertificateIssued => "certificate_issued",
            EventKind::ApplicationFiled => "application_filed",
        }
    }

    /// Reads an identifier.
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A period during which the person held a status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusPeriod {
    /// Visa, permit, permanent residence or visa-free.
    pub kind: StatusKind,
    /// Visa or permit category (`C3`, `B8`), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The route the status rests on (`work`, `study`, `family_reunification`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ground: Option<String>,
    /// First day of validity.
    pub valid_from: Date,
    /// Last day of validity; `None` when open-ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Date>,
}

impl StatusPeriod {
    /// Whether the status is valid on `d`.
    pub fn covers(&self, d: Date) -> bool {
        d >= self.valid_from && self.valid_to.is_none_or(|t| d <= t)
    }
}

/// A dated event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub date: Date,
    /// A free note (place, document, employer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Status periods and events, each kept in date order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct History {
    /// Status periods, by `valid_from`.
    pub statuses: Vec<StatusPeriod>,
    /// Events, by date (same-day events keep their file order).
    pub events: Vec<Event>,
}

impl History {
    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty() && self.events.is_empty()
    }

    /// The status in force on `d` (the latest-starting one when several overlap).
    pub fn status_on(&self, d: Date) -> Option<&StatusPeriod> {
        self.statuses.iter().rfind(|s| s.covers(d))
    }

    /// Events of a kind, in date order.
    pub fn events_of(&self, kind: EventKind) -> impl Iterator<Item = &Event> + '_ {
        self.events.iter().filter(move |e| e.kind == kind)
    }

    /// Adds a status period, keeping the order.
    pub fn push_status(&mut self, s: StatusPeriod) {
        let at = self
            .statuses
            .partition_point(|x| x.valid_from <= s.valid_from);
        self.statuses.insert(at, s);
    }

    /// Adds an event, keeping the order.
    pub fn push_event(&mut self, e: Event) {
        let at = self.events.partition_point(|x| x.date <= e.date);
        self.events.insert(at, e);
    }

    /// Reads the `status` array of a case file (as JSON values; TOML is converted first).
    pub(crate) fn read_statuses(
        &mut self,
        value: &serde_json::Value,
        errors: &mut Vec<FieldError>,
    ) {
        let Some(items) = value.as_array() else {
            errors.push(err(
                "status",
                "expected an array of tables (`[[status]]`)".into(),
            ));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("status[{i}]");
            let Some(obj) = item.as_object() else {
                errors.push(err(&at, "expected a table".into()));
                continue;
            };
            let before = errors.len();
            check_keys(
                obj,
                &at,
                &["kind", "category", "ground", "valid_from", "valid_to"],
                errors,
            );
            let kind = match obj.get("kind").and_then(|v| v.as_str()) {
                Some(s) => match StatusKind::parse(s) {
                    Some(k) => Some(k),
                    None => {
                        errors.push(err(
                            &format!("{at}.kind"),
                            format!(
                                "`{s}` is not a status kind; expected one of: {}",
                                StatusKind::ALL.map(StatusKind::as_str).join(", ")
                            ),
                        ));
                        None
                    }
                },
                None => {
                    errors.push(err(
                        &format!("{at}.kind"),
                        "expected a status kind such as \"visa\"".into(),
                    ));
                    None
                }
            };
            let category = opt_string(obj, &at, "category", errors);
            let ground = opt_string(obj, &at, "ground", errors);
            let valid_from = req_date(obj, &at, "valid_from", errors);
            let valid_to = opt_date(obj, &at, "valid_to", errors);
            if let (Some(f), Some(t)) = (valid_from, valid_to)
                && t < f
            {
                errors.push(err(
                    &format!("{at}.valid_to"),
                    format!("the status cannot end ({t}) before it starts ({f})"),
                ));
            }
            if errors.len() == before
                && let (Some(kind), Some(valid_from)) = (kind, valid_from)
            {
                self.push_status(StatusPeriod {
                    kind,
                    category,
                    ground,
                    valid_from,
                    valid_to,
                });
            }
        }
    }

    /// Reads the `event` array of a case file.
    pub(crate) fn read_events(&mut self, value: &serde_json::Value, errors: &mut Vec<FieldError>) {
        let Some(items) = value.as_array() else {
            errors.push(err(
                "event",
                "expected an array of tables (`[[event]]`)".into(),
            ));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("event[{i}]");
            let Some(obj) = item.as_object() else {
                errors.push(err(&at, "expected a table".into()));
                continue;
            };
            let before = errors.len();
            check_keys(obj, &at, &["kind", "date", "note"], errors);
            let kind = match obj.get("kind").and_then(|v| v.as_str()) {
                Some(s) => match EventKind::parse(s) {
                    Some(k) => Some(k),
                    None => {
                        errors.push(err(
                            &format!("{at}.kind"),
                            format!(
                                "`{s}` is not an event kind; expected one of: {}",
                                EventKind::ALL.map(EventKind::as_str).join(", ")
                            ),
                        ));
                        None
                    }
                },
                None => {
                    errors.push(err(
                        &format!("{at}.kind"),
                        "expected an event kind such as \"arrival\"".into(),
                    ));
                    None
                }
            };
            let date = req_date(obj, &at, "date", errors);
            let note = opt_string(obj, &at, "note", errors);
            if errors.len() == before
                && let (Some(kind), Some(date)) = (kind, date)
            {
                self.push_event(Event { kind, date, note });
            }
        }
    }

    /// The history as TOML tables (`[[status]]`, `[[event]]`), for writing case files.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        for s in &self.statuses {
            out.push_str("\n[[status]]\n");
            out.push_str(&format!("kind = \"{}\"\n", s.kind.as_str()));
            if let Some(c) = &s.category {
                out.push_str(&format!("category = {}\n", super::toml_string(c)));
            }
            if let Some(g) = &s.ground {
                out.push_str(&format!("ground = {}\n", super::toml_string(g)));
            }
            out.push_str(&format!("valid_from = {}\n", s.valid_from));
            if let Some(t) = s.valid_to {
                out.push_str(&format!("valid_to = {t}\n"));
            }
        }
        for e in &self.events {
            out.push_str("\n[[event]]\n");
            out.push_str(&format!("kind = \"{}\"\n", e.kind.as_str()));
            out.push_str(&format!("date = {}\n", e.date));
            if let Some(n) = &e.note {
                out.push_str(&format!("note = {}\n", super::toml_string(n)));
            }
        }
        out
    }
}

/// A TOML value as JSON (dates become `YYYY-MM-DD` strings), so one reader serves both.
pub(crate) fn toml_to_json(v: toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s),
        toml::Value::Integer(i) => serde_json::Value::from(i),
        toml::Value::Float(f) => serde_json::Value::from(f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(toml_to_json).collect())
        }
        toml::Value::Table(t) => {
            serde_json::Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn err(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        message,
    }
}

fn check_keys(
    obj: &serde_json::Map<String, serde_json::Value>,
    at: &str,
    known: &[&str],
    errors: &mut Vec<FieldError>,
) {
    for k in obj.keys() {
        if !known.contains(&k.as_str()) {
            errors.push(err(
                &format!("{at}.{k}"),
                format!("unknown field; expected one of: {}", known.join(", ")),
            ));
        }
    }
}

fn shown(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn opt_string(
    obj: &serde_json::Map<String, serde_json::Value>,
    at: &str,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(other) => {
            errors.push(err(
                &format!("{at}.{key}"),
                format!("expected text, found {}", shown(other)),
            ));
            None
        }
    }
}

fn date_of(v: &serde_json::Value) -> Result<Date, String> {
    let bad = || format!("expected a date such as 2026-03-20, found {}", shown(v));
    match v {
        serde_json::Value::String(s) => Date::parse(s.trim()).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

fn opt_date(
    obj: &serde_json::Map<String, serde_json::Value>,
    at: &str,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Date> {
    match obj.get(key) {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => match date_of(v) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(err(&format!("{at}.{key}"), m));
                None
            }
        },
    }
}

fn req_date(
    obj: &serde_json::Map<String, serde_json::Value>,
    at: &str,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Date> {
    if obj.get(key).is_none_or(serde_json::Value::is_null) {
        errors.push(err(
            &format!("{at}.{key}"),
            "expected a date such as 2026-03-20".into(),
        ));
        return None;
    }
    opt_date(obj, at, key, errors)
}
