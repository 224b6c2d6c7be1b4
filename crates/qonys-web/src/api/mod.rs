//! The JSON API, version 1:
//!
//! - `POST /api/v1/assess[?lang=en|ru|kk][&as_of=YYYY-MM-DD]` — a case file as JSON in, the
//!   [`AssessmentReport`] out (the same JSON `qonys assess --format json` prints);
//! - `GET /api/v1/rules[?lang=]` — the pack's routes with their clauses and citations;
//! - `GET /api/v1/openapi.json` — the OpenAPI 3.1 description of this API, written here by
//!   hand, with the report's schema generated from the same Rust types (no network needed).
//!
//! Errors are JSON `{"error": {"status", "message", "errors": [{"field", "message"}]}}`:
//! 400 when the body is not JSON or a query parameter is wrong, 422 when the JSON is read but
//! fields are wrong (every wrong field is named, as `facts.<id>`).

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use qonys_i18n::report::{AssessmentReport, assessment_report};
use qonys_law::case::{CaseError, FieldError};
use qonys_law::pack::Provenance;
use qonys_law::{CaseFile, Date, Lang, Pack};
use serde_json::{Value, json};

use crate::AppState;
use crate::lang;

pub mod cases;
pub mod documents;

/// The query of `POST /api/v1/assess`.
#[derive(Debug, serde::Deserialize)]
pub struct AssessQuery {
    lang: Option<String>,
    as_of: Option<String>,
}

/// The query of `GET /api/v1/rules`.
#[derive(Debug, serde::Deserialize)]
pub struct RulesQuery {
    lang: Option<String>,
}

/// An API error: a status, a message and the wrong fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong.
    pub message: String,
    /// The wrong fields.
    pub errors: Vec<FieldError>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "status": self.status.as_u16(),
                "message": self.message,
                "errors": self.errors.iter().map(|e| json!({"field": e.field, "message": e.message})).collect::<Vec<_>>(),
            }
        });
        (self.status, Json(body)).into_response()
    }
}

/// An API error with its fields.
pub fn error(status: StatusCode, message: &str, errors: &[FieldError]) -> ApiError {
    ApiError {
        status,
        message: message.to_string(),
        errors: errors.to_vec(),
    }
}

pub(crate) fn query_lang(code: Option<&str>) -> Result<Option<Lang>, ApiError> {
    match code {
        None => Ok(None),
        Some(c) => lang::parse(c).map(Some).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "unknown language",
                &[FieldError {
                    field: "lang".into(),
                    message: "expected en, ru or kk".into(),
                }],
            )
        }),
    }
}

pub(crate) fn pretty(v: &impl serde::Serialize) -> Response {
    match serde_json::to_string_pretty(v) {
        Ok(s) => (
            StatusCode::OK,
            [(CONTENT_TYPE, "application/json")],
            s + "\n",
        )
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), &[]).into_response(),
    }
}

/// The size of the last compact response, so the next one is written into a buffer that
/// needs no regrowth (an assessment report is about 70 KB).
static LAST_COMPACT_LEN: AtomicUsize = AtomicUsize::new(0);

/// A `200` JSON response written compactly into one buffer sized from the previous response:
/// the same values as [`pretty`] at a quarter less text and without the copies of a growing
/// `String`. For the high-traffic endpoints (`POST /api/v1/assess`).
pub(crate) fn compact(v: &impl serde::Serialize) -> Response {
    let hint = LAST_COMPACT_LEN.load(Ordering::Relaxed);
    let mut buf = Vec::with_capacity((hint + hint / 8).max(4096));
    match serde_json::to_writer(&mut buf, v) {
        Ok(()) => {
            buf.push(b'\n');
            LAST_COMPACT_LEN.store(buf.len(), Ordering::Relaxed);
            (
                StatusCode::OK,
                [(CONTENT_TYPE, "application/json")],
                Bytes::from(buf),
            )
                .into_response()
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), &[]).into_response(),
    }
}

/// Reads a case file's JSON text and binds its facts to the pack, or the error response
/// (400 for unreadable text, 422 naming every wrong field).
pub fn parse_case_json(
    st: &AppState,
    body: &[u8],
) -> Result<(CaseFile, qonys_law::Facts), ApiError> {
    let pack = st.pack();
    let text = std::str::from_utf8(body).map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            "the body is not UTF-8 text",
            &[FieldError {
                field: "body".into(),
                message: "expected a JSON case file in UTF-8".into(),
            }],
        )
    })?;
    let case = CaseFile::parse_json(text).map_err(case_error)?;
    let facts = case.bind(pack).map_err(case_error)?;
    Ok((case, facts))
}

/// The API error for a case that cannot be read or bound.
pub fn case_error(e: CaseError) -> ApiError {
    match e {
        CaseError::Syntax(m) => error(
            StatusCode::BAD_REQUEST,
            "the body is not a JSON case file",
            &[FieldError {
                field: "body".into(),
                message: m,
            }],
        ),
        CaseError::Fields(errors) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "some fields of the case are wrong",
            &errors,
        ),
    }
}

/// The report for a case file's JSON text, or the error response.
pub fn assess_json(
    st: &AppState,
    body: &[u8],
    lang: Option<Lang>,
    as_of: Date,
) -> Result<AssessmentReport, ApiError> {
    let pack = st.pack();
    let (case, facts) = parse_case_json(st, body)?;
    let lang = lang.or(case.meta.language).unwrap_or(Lang::En);
    let a = qonys_law::assess(pack, &facts, as_of);
    Ok(assessment_report(pack, &a, st.messages(), lang))
}

/// `POST /api/v1/assess`.
pub async fn assess(
    State(st): State<AppState>,
    Query(q): Query<AssessQuery>,
    body: Bytes,
) -> Response {
    let lang = match query_lang(q.lang.as_deref()) {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let as_of = match q.as_of.as_deref() {
        None => st.as_of(),
        Some(s) => match Date::parse(s) {
            Ok(d) => d,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "bad as_of date",
                    &[FieldError {
                        field: "as_of".into(),
                        message: e.to_string(),
                    }],
                )
                .into_response();
            }
        },
    };
    match assess_json(&st, &body, lang, as_of) {
        Ok(report) => compact(&report),
        Err(e) => e.into_response(),
    }
}

fn citations(pack: &Pack, pv: &Provenance, lang: Lang) -> Vec<Value> {
    pv.cites
        .iter()
        .map(|c| {
            let act = c.act.and_then(|a| pack.act(a));
            json!({
                "act": act.map(|a| a.title.get(lang)),
                "act_reference": act.map(|a| a.reference.clone()),
                "article": c.article.as_deref().map(|x| qonys_i18n::report::localize_article(x, lang)),
                "url": c.url,
                "tier": format!("{:?}", c.tier),
            })
        })
        .collect()
}

fn confidence(pv: &Provenance) -> &'static str {
    if pv.is_uncertain() {
        "uncertain"
    } else {
        "confirmed"
    }
}

/// The routes of a pack with their clauses, exceptions and citations, in one language.
pub fn rule_list(pack: &Pack, lang: Lang) -> Value {
    let period = |p: &qonys_law::pack::Period| json!({"from": p.from.map(|d| d.to_string()), "until": p.until.map(|d| d.to_string())});
    let routes: Vec<Value> = pack
        .routes
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name.get(lang),
                "kind": r.kind,
                "summary": r.summary.get(lang),
                "permit": r.permit.get(lang),
                "effective": period(&r.effective),
                "confidence": confidence(&r.provenance),
                "citations": citations(pack, &r.provenance, lang),
                "clauses": r.clauses.iter().map(|c| json!({
                    "id": c.id,
                    "kind": c.kind,
                    "text": c.text.get(lang),
                    "confidence": confidence(&c.provenance),
                    "effective": period(&c.effective),
                    "citations": citations(pack, &c.provenance, lang),
                    "exceptions": c.exceptions.iter().map(|e| json!({
                        "id": e.id,
                        "text": e.text.get(lang),
                        "confidence": confidence(&e.provenance),
                        "citations": citations(pack, &e.provenance, lang),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "pack": pack.meta.id,
        "pack_version": pack.meta.version,
        "language": lang.code(),
        "routes": routes,
    })
}

/// `GET /api/v1/rules`.
pub async fn rules(State(st): State<AppState>, Query(q): Query<RulesQuery>) -> Response {
    match query_lang(q.lang.as_deref()) {
        Ok(l) => pretty(&rule_list(st.pack(), l.unwrap_or(Lang::En))),
        Err(e) => e.into_response(),
    }
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document(pack: &Pack) -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
    });
    let report_schema = settings
        .into_generator()
        .into_root_schema_for::<AssessmentReport>();
    let mut report = report_schema.to_value();
    let mut schemas = report
        .as_object_mut()
        .and_then(|o| o.remove("components"))
        .and_then(|c| c.get("schemas").cloned())
        .and_then(|s| s.as_object().cloned())
        .unwrap_or_default();
    if let Some(o) = report.as_object_mut() {
        o.remove("$schema");
    }
    schemas.insert("AssessmentReport".into(), report);
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["status", "message", "errors"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "errors": {"type": "array", "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {
                            "field": {"type": "string", "description": "The wrong field, as a path: `facts.<fact id>`, `body`, `lang`, `as_of`."},
                            "message": {"type": "string"}
                        }
                    }}
                }
            }}
        }),
    );
    schemas.insert(
        "CaseFile".into(),
        json!({
            "type": "object",
            "description": "A case file as JSON: the same shape as the TOML case files `qonys assess` reads (docs/RULEPACK.md).",
            "properties": {
                "case": {"type": "object", "properties": {
                    "title": {"type": "string"},
                    "language": {"type": "string", "enum": ["en", "ru", "kk"]}
                }, "additionalProperties": false},
                "facts": {"type": "object", "description": "Answers keyed by fact id; \"unknown\" means \"I don't know\"; null means not answered.", "additionalProperties": true},
                "status": {"type": "array"},
                "event": {"type": "array"},
                "document": {"type": "array"}
            },
            "additionalProperties": false
        }),
    );
    let lang_param = json!({"name": "lang", "in": "query", "required": false,
        "schema": {"type": "string", "enum": ["en", "ru", "kk"]},
        "description": "Language of the texts (default: the case's, else English)."});
    let route_param = |required: bool| {
        json!({"name": "route", "in": "query", "required": required,
        "schema": {"type": "string"}, "description": "A route id (see /api/v1/rules)."})
    };
    let filing_param = json!({"name": "filing_date", "in": "query", "required": false,
        "schema": {"type": "string", "format": "date"},
        "description": "The day the application is filed, for freshness (default: today in Kazakhstan)."});
    let csrf_param = json!({"name": "X-CSRF-Token", "in": "header", "required": true,
        "schema": {"type": "string"}, "description": "The session's CSRF token (shown in every signed-in page's forms)."});
    let case_body = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseFile"}}}});
    schemas.insert(
        "Case".into(),
        json!({
            "type": "object",
            "required": ["id", "title", "status", "version", "facts"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "title": {"type": "string"},
                "status": {"type": "string"},
                "version": {"type": "integer", "description": "Send it back with a change (optimistic concurrency)."},
                "language": {"type": "string", "enum": ["en", "ru", "kk"]},
                "adviser_id": {"type": ["string", "null"], "format": "uuid"},
                "applicant_id": {"type": ["string", "null"], "format": "uuid"},
                "urgency": {"type": "integer"},
                "next_deadline": {"type": ["string", "null"], "format": "date"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "facts": {"type": "object"},
                "history": {},
                "assessment": {"$ref": "#/components/schemas/AssessmentReport"}
            }
        }),
    );
    schemas.insert(
        "CaseCreate".into(),
        json!({"type": "object", "required": ["title"], "properties": {
            "title": {"type": "string", "maxLength": 200},
            "language": {"type": "string", "enum": ["en", "ru", "kk"]},
            "facts": {"type": "object"}
        }}),
    );
    schemas.insert(
        "CaseUpdate".into(),
        json!({"type": "object", "required": ["version"], "properties": {
            "version": {"type": "integer"},
            "title": {"type": "string", "maxLength": 200},
            "status": {"type": "string", "maxLength": 40},
            "facts": {"type": "object", "description": "Replaces the stored facts; checked against the rule pack first."}
        }}),
    );
    let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "qonys API",
            "version": "1",
            "summary": "Which legal route to residence in Kazakhstan fits, and why.",
            "description": format!("Assessments under rule pack {} {}. Guidance, not legal representation.", pack.meta.id, pack.meta.version),
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/api/v1/assess": {"post": {
                "operationId": "assess",
                "summary": "Assess every residence route for a case.",
                "parameters": [lang_param, {"name": "as_of", "in": "query", "required": false,
                    "schema": {"type": "string", "format": "date"},
                    "description": "Apply the rules in force on this date (default: today in Kazakhstan)."}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseFile"}}}},
                "responses": {
                    "200": {"description": "The assessment report.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssessmentReport"}}}},
                    "400": err("The body is not JSON, or a query parameter is wrong."),
                    "403": {"description": "A cross-origin request from a browser page."},
                    "413": {"description": "The body is larger than 256 KiB."},
                    "422": err("Fields of the case are wrong; each is named.")
                }
            }},
            "/api/v1/rules": {"get": {
                "operationId": "rules",
                "summary": "The rule pack's routes with their clauses, exceptions and citations.",
                "parameters": [lang_param],
                "responses": {
                    "200": {"description": "The routes.", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": err("Unknown language.")
                }
            }},
            "/api/v1/checklist": {"post": {
                "operationId": "checklist",
                "summary": "The documents a route needs for a case: why, who provides them, apostille or legalisation, translation, freshness.",
                "parameters": [lang_param, route_param(true), filing_param],
                "requestBody": case_body,
                "responses": {
                    "200": {"description": "The checklist (the JSON `qonys checklist --format json` prints).", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": err("The body is not JSON, the route is missing, or a query parameter is wrong."),
                    "404": err("No route with that id."),
                    "422": err("Fields or documents of the case are wrong; each is named.")
                }
            }},
            "/api/v1/check": {"post": {
                "operationId": "check",
                "summary": "Check that a case's documents agree with each other and with the case: names across scripts, dates, freshness, apostille, translation.",
                "parameters": [lang_param, route_param(false), filing_param],
                "requestBody": case_body,
                "responses": {
                    "200": {"description": "The findings (the JSON `qonys check --json` prints).", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": err("The body is not JSON, or a query parameter is wrong."),
                    "404": err("No route with that id."),
                    "422": err("Fields or documents of the case are wrong; each is named.")
                }
            }},
            "/api/v1/plan": {"post": {
                "operationId": "plan",
                "summary": "The residence timeline of a case: deadlines, whether the legal ground still holds, the path to permanent residence and citizenship.",
                "parameters": [lang_param, {"name": "as_of", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "Plan as of this date (default: today in Kazakhstan)."}],
                "requestBody": case_body,
                "responses": {
                    "200": {"description": "The plan (the JSON `qonys plan --format json` prints).", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": err("The body is not JSON, or a query parameter is wrong."),
                    "422": err("Fields of the case are wrong; each is named.")
                }
            }},
            "/api/v1/cases": {
                "get": {
                    "operationId": "listCases",
                    "summary": "The cases the signed-in user may see, most urgent first.",
                    "security": [{"session": []}],
                    "parameters": [
                        {"name": "status", "in": "query", "required": false, "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Part of the title."},
                        {"name": "offset", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}},
                        {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 500}}
                    ],
                    "responses": {
                        "200": {"description": "`{cases: [...], has_more}`", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "401": err("Not signed in.")
                    }
                },
                "post": {
                    "operationId": "createCase",
                    "summary": "Create a case (advisers and admins).",
                    "security": [{"session": []}],
                    "parameters": [csrf_param.clone()],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseCreate"}}}},
                    "responses": {
                        "201": {"description": "The new case.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                        "401": err("Not signed in."),
                        "403": {"description": "Not an adviser or admin, or the CSRF token is missing or wrong."},
                        "422": err("Wrong fields; each is named.")
                    }
                }
            },
            "/api/v1/cases/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "get": {
                    "operationId": "getCase",
                    "summary": "A case with its facts, history and the assessment as of today.",
                    "security": [{"session": []}],
                    "responses": {
                        "200": {"description": "The case.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                        "401": err("Not signed in."),
                        "403": {"description": "Someone else's case."},
                        "404": {"description": "No such case."}
                    }
                },
                "patch": {
                    "operationId": "updateCase",
                    "summary": "Change a case's title, status or facts, if it is still at the version you read.",
                    "security": [{"session": []}],
                    "parameters": [csrf_param],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseUpdate"}}}},
                    "responses": {
                        "200": {"description": "The changed case.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                        "401": err("Not signed in."),
                        "403": {"description": "Someone else's case, not staff, or the CSRF token is missing or wrong."},
                        "409": err("Stale version: someone else changed the case; `current_version` says which version is stored. Nothing was written."),
                        "422": err("Wrong fields; each is named.")
                    }
                }
            },
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1 document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }}
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "qonys_session",
                "description": "The session cookie set by signing in at /login."}}
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi(State(st): State<AppState>) -> Response {
    pretty(&openapi_document(st.pack()))
}
