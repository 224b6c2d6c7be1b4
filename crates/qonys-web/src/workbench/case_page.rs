//! `GET /cases/{id}`: one case on one page — its facts (editable, with their history), the
//! stored assessment (pack version, as-of date; re-run with a diff), the timeline as SVG
//! with a table equivalent, the documents section (filled by the documents module through
//! [`CasePage::documents_html`]), notes, assignment and the applicant's invitation. Also the
//! 409 page a stale edit gets ([`conflict`]). GET changes nothing.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_i18n::plan::plan_report;
use qonys_store::{Case, Role};

use crate::AppState;
use crate::auth::{Staff, Viewer, load_case};
use crate::lang::Tr;
use crate::pages::Layout;
use crate::workbench::assessment::{self, AssessmentView};
use crate::workbench::facts::{self, FactField, HistoryEntry};
use crate::workbench::list::status_label;
use crate::workbench::residence::{self, ResidenceView};
use crate::workbench::timeline_svg::{self, Timeline};
use crate::workbench::urgency::Tier;
use crate::workbench::{STATUSES, bind_case, store, store_failed, when};

/// What a POST handler adds when it shows the page again.
#[derive(Debug, Default)]
pub struct Extras {
    /// The status to answer with (200 when left default).
    pub status: StatusCode,
    /// The facts as submitted (a refused form), instead of the stored ones.
    pub fact_values: Option<HashMap<String, Vec<String>>>,
    /// Errors next to fact fields, by fact id.
    pub fact_errors: HashMap<String, String>,
    /// A just-made invitation link, shown once.
    pub invite_link: Option<String>,
    /// An error under the note form.
    pub note_error: String,
    /// An error under the residence-history forms.
    pub history_error: String,
}

/// A note as shown.
pub struct NoteView {
    /// Author.
    pub who: String,
    /// When.
    pub when: String,
    /// Text.
    pub body: String,
}

/// A select option.
pub struct Opt {
    /// Value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Chosen.
    pub selected: bool,
}

/// The case page.
#[derive(Template, WebTemplate)]
#[template(path = "workbench/case.html")]
pub struct CasePage<'a> {
    page: Layout<'a>,
    /// The case id.
    pub id: String,
    /// The version the forms were made from.
    pub version: i64,
    /// The title.
    pub case_title: String,
    /// Status in words.
    pub status: String,
    /// Urgency badge and class.
    pub badge: String,
    /// Badge class.
    pub badge_class: &'static str,
    /// Adviser's name or "unassigned".
    pub adviser: String,
    /// Whether an applicant account is linked.
    pub has_applicant: bool,
    /// Fact fields.
    pub fields: Vec<FactField>,
    /// Whether any fact field has an error.
    pub fact_error: bool,
    /// Stored answers the pack refuses: (fact, reason).
    pub refused: Vec<(String, String)>,
    /// History of the facts, newest first.
    pub history: Vec<HistoryEntry>,
    /// The stored assessment.
    pub assessment: AssessmentView,
    /// Current status in words.
    pub current: String,
    /// Ground-loss warnings in words.
    pub ground_warnings: Vec<String>,
    /// The timeline.
    pub timeline: Timeline,
    /// The documents and checklist section (HTML made by the documents module; empty
    /// until it is plugged in).
    pub documents_html: String,
    /// Notes, oldest first.
    pub notes: Vec<NoteView>,
    /// Note form error.
    pub note_error: String,
    /// Advisers to assign.
    pub advisers: Vec<Opt>,
    /// Statuses.
    pub statuses: Vec<Opt>,
    /// The invitation link made just now.
    pub invite_link: String,
    /// The session's CSRF token for the forms.
    pub csrf: String,
    /// The residence history and its forms.
    pub residence: ResidenceView,
    /// An error under the residence-history forms.
    pub history_error: String,
    /// The consultation request that opened the case, if any.
    pub request: Option<RequestView>,
}

/// The consultation request that opened a case, as the visitor wrote it.
pub struct RequestView {
    /// Name.
    pub name: String,
    /// E-mail or phone.
    pub contact: String,
    /// Preferred language, in its own name.
    pub language: String,
    /// The message.
    pub message: String,
    /// When it came.
    pub when: String,
}

impl CasePage<'_> {
    /// Catalogue lookup for the template.
    pub fn t(&self) -> Tr<'_> {
        self.page.t
    }
}

/// Renders the case page for `case` with what a POST adds.
pub async fn render(
    st: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    case: Case,
    extras: Extras,
) -> Response {
    let store = match store(st) {
        Ok(s) => s.clone(),
        Err(r) => return r,
    };
    let t = viewer.tr(st, headers);
    let pack = st.pack();
    let as_of = st.as_of();
    let (fact_changes, stored, notes, users, request) = match tokio::try_join!(
        store.fact_history(case.id),
        store.assessments(case.id),
        store.notes(case.id),
        store.list_users(Some(Role::Adviser)),
        store.consultation_for_case(case.id),
    ) {
        Ok(x) => x,
        Err(e) => return store_failed(&e, Some(case.id)),
    };
    // Names of the advisers (the assignment choice) and of anyone else named on the page,
    // looked up one by one (never every account: applicants can be many).
    let mut names: HashMap<uuid::Uuid, String> = users
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let others: Vec<uuid::Uuid> = notes
        .iter()
        .filter_map(|n| n.author_id)
        .chain(case.adviser_id)
        .collect();
    for id in others {
        if !names.contains_key(&id)
            && let Ok(u) = store.user(id).await
        {
            names.insert(id, u.display_name);
        }
    }
    let values = extras
        .fact_values
        .clone()
        .unwrap_or_else(|| facts::stored_values(&case.facts));
    let fields = facts::fields(pack, t, &values, &extras.fact_errors);
    let history = facts::history(st, t, &fact_changes).await;
    let assessment = assessment::view(st, t, &case, &stored).await;
    let b = bind_case(pack, &case);
    let plan = qonys_law::continuity::plan(pack, &b.facts, &b.history, as_of);
    let report = plan_report(pack, &b.history, &plan, st.messages(), t.lang);
    let timeline = timeline_svg::draw(t, &report, &b.history, as_of);
    let ground_warnings = report
        .ground_losses
        .iter()
        .map(|g| format!("{} {}", g.warning, g.action))
        .collect();
    let notes = notes
        .into_iter()
        .map(|n| NoteView {
            who: n
                .author_id
                .and_then(|a| names.get(&a).cloned())
                .unwrap_or_else(|| t.get("wb-by-public")),
            when: when(n.created_at),
            body: n.body,
        })
        .collect();
    let mut advisers = vec![Opt {
        value: String::new(),
        label: t.get("wb-unassigned"),
        selected: case.adviser_id.is_none(),
    }];
    advisers.extend(
        users
            .iter()
            .filter(|u| u.role == Role::Adviser && !u.disabled)
            .filter(|u| {
                viewer.role() == Role::Admin
                    || viewer.user.firm_id.is_none()
                    || u.firm_id == viewer.user.firm_id
                    || Some(u.id) == case.adviser_id
            })
            .map(|u| Opt {
                value: u.id.to_string(),
                label: u.display_name.clone(),
                selected: case.adviser_id == Some(u.id),
            }),
    );
    let statuses = STATUSES
        .iter()
        .map(|s| Opt {
            value: (*s).to_string(),
            label: status_label(t, s),
            selected: case.status == *s,
        })
        .collect();
    let tier = Tier::of_key(case.urgency);
    let mut page = Layout::signed_in(
        st,
        viewer,
        headers,
        "wb-case-title",
        &format!("/cases/{}", case.id),
    );
    let case_title = if case.title.trim().is_empty() {
        t.get("wb-untitled")
    } else {
        case.title.clone()
    };
    page.title = format!("{} — {}", case_title, page.title);
    let body = CasePage {
        page,
        id: case.id.to_string(),
        version: case.version,
        case_title,
        status: status_label(t, &case.status),
        badge: t.get(tier.message_id()),
        badge_class: tier.class(),
        adviser: case
            .adviser_id
            .and_then(|a| names.get(&a).cloned())
            .unwrap_or_else(|| t.get("wb-unassigned")),
        has_applicant: case.applicant_id.is_some(),
        fact_error: !extras.fact_errors.is_empty(),
        fields,
        refused: b.refused,
        history,
        assessment,
        current: report.current.clone(),
        ground_warnings,
        timeline,
        documents_html: crate::documents::staff::staff_section(st, viewer, t.lang, &case).await,
        notes,
        note_error: extras.note_error,
        advisers,
        statuses,
        invite_link: extras.invite_link.unwrap_or_default(),
        csrf: viewer.csrf().to_string(),
        residence: residence::view(st, t, &case),
        request: request.map(|r| RequestView {
            name: r.name,
            contact: r.contact,
            language: crate::lang::parse(&r.language)
                .map(crate::lang::native_name)
                .unwrap_or_default()
                .to_string(),
            message: r.message,
            when: when(r.created_at),
        }),
        history_error: extras.history_error,
    };
    let status = if extras.status == StatusCode::default() {
        StatusCode::OK
    } else {
        extras.status
    };
    (status, body).into_response()
}

/// `GET /cases/{id}`.
pub async fn show(
    State(st): State<AppState>,
    Staff(viewer): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    render(&st, &viewer, &headers, case, Extras::default()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/conflict.html")]
struct ConflictPage<'a> {
    page: Layout<'a>,
    text: String,
    href: String,
}

/// 409: someone else changed the case since the form was made; nothing was written.
pub fn conflict(st: &AppState, viewer: &Viewer, headers: &HeaderMap, case: &Case) -> Response {
    let t = viewer.tr(st, headers);
    let href = format!("/cases/{}", case.id);
    let page = ConflictPage {
        page: Layout::signed_in(st, viewer, headers, "wb-conflict-title", &href),
        text: t.fmt("wb-conflict-text", &[("when", &when(case.updated_at))]),
        href,
    };
    (StatusCode::CONFLICT, page).into_response()
}
