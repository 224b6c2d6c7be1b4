//! The applicant portal: `GET /my` (the applicant's own case; a chooser when they have more
//! than one), `GET /my/{case}` (the outstanding questions one at a time, the checklist with
//! each document's status and an upload form per document, and the case's deadlines) and
//! `POST /my/{case}/answer` (one answer saved into the case's facts at the version the page
//! was made from; a stale version gets the 409 page with the case as it now stands).
//!
//! Questions come from the core's interview over the case's facts (a fact that decides no
//! open route is never asked), deadlines from `qonys_law::continuity::plan` worded by
//! `qonys_i18n::plan`. Every route goes through [`crate::auth::load_case`]: an applicant
//! reaches only their own case. Pages work without JavaScript; every input has a label and
//! errors stand next to the field.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qonys_i18n::plan::plan_report;
use qonys_law::case::RawValue;
use qonys_law::interview::{BadAnswer, Interview, read_answer};
use qonys_law::pack::FactType;
use qonys_store::{Actor, Case, CaseChange, CaseQuery, Role, StoreError};

use crate::AppState;
use crate::auth::pages::ClientAddr;
use crate::auth::{Viewer, load_case};
use crate::documents::{DocLine, case_file, document_lines, see_other};
use crate::finder::{Field, bad_answer_text, build_field};
use crate::lang::Tr;
use crate::pages::{Layout, field, form_pairs, plain_status};

/// The portal's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/my", get(home))
        .route("/my/{case}", get(case_page))
        .route("/my/{case}/answer", post(answer))
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/chooser.html")]
struct Chooser<'a> {
    page: Layout<'a>,
    cases: Vec<(String, String)>,
}

/// The next question, ready for the form.
struct QuestionView {
    fact_id: String,
    question: String,
    help: String,
    field: Field,
    error: String,
    remaining: String,
}

/// One deadline or milestone of the case.
struct DeadlineLine {
    state: String,
    state_text: String,
    title: String,
    due: String,
    action: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/case.html")]
struct CasePage<'a> {
    page: Layout<'a>,
    case_id: String,
    version: i64,
    csrf: String,
    notice: String,
    question: Option<QuestionView>,
    answered: String,
    route_name: String,
    lines: Vec<DocLine>,
    upload_error_kind: String,
    upload_error: String,
    current: String,
    deadlines: Vec<DeadlineLine>,
}

/// `GET /my`: the applicant's case, or a chooser when they have several.
pub async fn home(State(st): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    if viewer.role() != Role::Applicant {
        return see_other("/cases");
    }
    let Some(store) = st.store() else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    let q = crate::auth::access::restrict(&viewer.user, CaseQuery::default());
    let page = match store.list_cases(&q).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(user = %viewer.user.id, error = %e, "listing an applicant's cases failed");
            return plain_status(StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    let mine: Vec<_> = page
        .cases
        .into_iter()
        .filter(|c| c.applicant_id == Some(viewer.user.id))
        .collect();
    if let [only] = mine.as_slice() {
        return see_other(&format!("/my/{}", only.id));
    }
    Chooser {
        page: Layout::signed_in(&st, &viewer, &headers, "portal-title", "/my"),
        cases: mine
            .into_iter()
            .map(|c| (c.id.to_string(), c.title))
            .collect(),
    }
    .into_response()
}

/// `GET /my/{case}`: the case page of the portal.
pub async fn case_page(
    State(st): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    render(
        &st,
        &viewer,
        &headers,
        &case,
        StatusCode::OK,
        None,
        None,
        None,
    )
    .await
}

/// The case page again after a refused upload, the message next to that document's file
/// field, under `status` (413, 415, 400).
pub async fn upload_refused(
    st: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    case: &Case,
    status: StatusCode,
    kind: &str,
    message: String,
) -> Response {
    let upload = Some((kind.to_string(), message));
    render(st, viewer, headers, case, status, None, None, upload).await
}

/// An answer that was refused: what was sent and why.
struct Refused {
    fact_id: String,
    values: Vec<String>,
    error: String,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    st: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    case: &Case,
    status: StatusCode,
    notice: Option<String>,
    refused: Option<Refused>,
    upload: Option<(String, String)>,
) -> Response {
    let pack = st.pack();
    let t = viewer.tr(st, headers);
    let lang = t.lang;
    let as_of = st.as_of();
    let (cf, facts) = case_file(pack, case);

    let mut iv = Interview::resume(pack, &facts, as_of);
    let answered = match iv.answers().len() {
        0 => String::new(),
        n => st.messages().get_args(
            lang,
            "portal-answered",
            &[("count", fluent_bundle::FluentValue::from(n))],
        ),
    };
    let question = iv.next_question().and_then(|q| {
        let fact = pack.facts.get(usize::from(q.fact))?;
        let (values, error) = match &refused {
            Some(r) if r.fact_id == fact.id => (r.values.clone(), r.error.clone()),
            _ => (Vec::new(), String::new()),
        };
        Some(QuestionView {
            fact_id: fact.id.clone(),
            question: fact.question.get(lang).to_string(),
            help: fact
                .help
                .as_ref()
                .map(|h| h.get(lang).to_string())
                .unwrap_or_default(),
            field: build_field(pack, t, fact, &values),
            error,
            remaining: st.messages().get_args(
                lang,
                "portal-questions-left",
                &[("count", fluent_bundle::FluentValue::from(q.remaining))],
            ),
        })
    });

    let stored = match st.store() {
        Some(s) => s.documents(case.id).await.unwrap_or_else(|e| {
            tracing::error!(case = %case.id, error = %e, "reading documents failed");
            Vec::new()
        }),
        None => Vec::new(),
    };
    let (report, lines) = document_lines(st, lang, case, &stored);

    let plan = qonys_law::continuity::plan(pack, &facts, &cf.history, as_of);
    let plan = plan_report(pack, &cf.history, &plan, st.messages(), lang);
    let deadlines = plan
        .items
        .iter()
        .map(|i| DeadlineLine {
            state: i.state.clone(),
            state_text: t.get(match i.state.as_str() {
                "overdue" => "portal-deadline-overdue",
                "due_soon" => "portal-deadline-due-soon",
                "available" => "portal-deadline-available",
                "done" => "portal-deadline-done",
                _ => "portal-deadline-later",
            }),
            title: i.title.clone(),
            due: i.due_text.clone(),
            action: i.action.clone(),
        })
        .collect();

    let mut page = Layout::signed_in(
        st,
        viewer,
        headers,
        "portal-title",
        &format!("/my/{}", case.id),
    );
    page.title = case.title.clone();
    let view = CasePage {
        page,
        case_id: case.id.to_string(),
        version: case.version,
        csrf: viewer.csrf().to_string(),
        notice: notice.unwrap_or_default(),
        question,
        answered,
        route_name: report.map(|r| r.route_name).unwrap_or_default(),
        lines,
        upload_error_kind: upload.as_ref().map(|u| u.0.clone()).unwrap_or_default(),
        upload_error: upload.map(|u| u.1).unwrap_or_default(),
        current: plan.current,
        deadlines,
    };
    (status, view).into_response()
}

/// `POST /my/{case}/answer` (`csrf`, `version`, `fact`, `value`…, `action` = `next` or
/// `unknown`): saves one answer into the case's facts.
pub async fn answer(
    State(st): State<AppState>,
    viewer: Viewer,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawForm(body): RawForm,
) -> Response {
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let form = form_pairs(&body);
    if let Err(r) = viewer.check_csrf(&headers, &form) {
        return r;
    }
    let Some(store) = st.store() else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    let t: Tr<'_> = viewer.tr(&st, &headers);
    let version = field(&form, "version").and_then(|v| v.parse::<i64>().ok());
    if version != Some(case.version) {
        return render(
            &st,
            &viewer,
            &headers,
            &case,
            StatusCode::CONFLICT,
            Some(t.get("portal-conflict")),
            None,
            None,
        )
        .await;
    }
    let pack = st.pack();
    let Some(fact) = field(&form, "fact")
        .and_then(|f| pack.fact_idx(f))
        .and_then(|i| pack.facts.get(usize::from(i)))
    else {
        return see_other(&format!("/my/{}", case.id));
    };
    let values: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "value")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let raw = if field(&form, "action") == Some("unknown") {
        Ok(RawValue::Str("unknown".into()))
    } else {
        let text = match fact.kind {
            FactType::Set if values.is_empty() => "-".to_string(),
            FactType::Set => values.join(","),
            _ => values.first().cloned().unwrap_or_default(),
        };
        read_answer(pack, fact, &text).and_then(|raw| {
            qonys_law::case::parse_answer(pack, fact, &raw)
                .map(|_| raw)
                .map_err(|e| BadAnswer::Other(e.message))
        })
    };
    let raw = match raw {
        Ok(r) => r,
        Err(e) => {
            let f = build_field(pack, t, fact, &values);
            let error = bad_answer_text(t, &f, &e);
            return render(
                &st,
                &viewer,
                &headers,
                &case,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(Refused {
                    fact_id: fact.id.clone(),
                    values,
                    error,
                }),
                None,
            )
            .await;
        }
    };
    let mut facts = match &case.facts {
        serde_json::Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    facts.insert(fact.id.clone(), raw.to_json());
    let change = CaseChange {
        facts: Some(serde_json::Value::Object(facts)),
        ..CaseChange::default()
    };
    // The urgency key of the adviser's list is written with the answer itself.
    let change = match crate::workbench::urgency::with_urgency(&st, &case, change.clone()).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(case = %case.id, error = %e, "computing the urgency of an answer failed");
            change
        }
    };
    let actor = Actor::user(viewer.user.id, client);
    match store
        .update_case(&actor, case.id, case.version, change)
        .await
    {
        Ok(updated) => {
            crate::case_changed::after_case_change(&st, &actor, &updated).await;
            tracing::info!(case = %case.id, "applicant answered a question");
            see_other(&format!("/my/{}#questions", case.id))
        }
        Err(StoreError::Conflict { .. }) => match store.case(case.id).await {
            Ok(now) => {
                render(
                    &st,
                    &viewer,
                    &headers,
                    &now,
                    StatusCode::CONFLICT,
                    Some(t.get("portal-conflict")),
                    None,
                    None,
                )
                .await
            }
            Err(_) => plain_status(StatusCode::CONFLICT),
        },
        Err(e) => {
            tracing::error!(case = %case.id, error = %e, "saving an answer failed");
            plain_status(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}
