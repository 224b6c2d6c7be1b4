//! `GET /cases`: the case list, most urgent first (the stored urgency key, see
//! [`super::urgency`]), narrowed by [`crate::auth::access::restrict`] to what the viewer may
//! see, with filters (status; mine / unassigned / all), a search in the title and paging.
//! Rows are cards that stack on a phone.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use qonys_store::CaseQuery;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Staff;
use crate::auth::access::restrict;
use crate::lang::Tr;
use crate::pages::Layout;
use crate::workbench::urgency::Tier;
use crate::workbench::{STATUSES, from_civil, store, store_failed};

/// Cases per page.
pub const PAGE_SIZE: i64 = 25;

/// The list's query string.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    /// `new`, `open`, `waiting`, `closed`, or empty for all.
    #[serde(default)]
    pub status: String,
    /// `mine`, `unassigned` or `all` (default).
    #[serde(default)]
    pub scope: String,
    /// Search in the title.
    #[serde(default)]
    pub q: String,
    /// Page, from 1.
    #[serde(default)]
    pub page: Option<u32>,
}

/// One card of the list.
pub struct Card {
    /// Case address.
    pub href: String,
    /// Title.
    pub title: String,
    /// Status label.
    pub status: String,
    /// Urgency badge text and class.
    pub badge: String,
    /// Badge CSS class.
    pub badge_class: &'static str,
    /// The next deadline in words, or empty.
    pub deadline: String,
    /// Whether that deadline has passed.
    pub deadline_overdue: bool,
    /// Assigned adviser's name, or "unassigned".
    pub adviser: String,
}

/// A filter choice.
pub struct Opt {
    /// Value sent.
    pub value: String,
    /// Label.
    pub label: String,
    /// Chosen.
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/list.html")]
struct ListPage<'a> {
    page: Layout<'a>,
    cards: Vec<Card>,
    statuses: Vec<Opt>,
    scopes: Vec<Opt>,
    q: String,
    count_text: String,
    prev_href: String,
    next_href: String,
}

fn link(q: &ListQuery, page: u32) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.status.is_empty() {
        s.append_pair("status", &q.status);
    }
    if !q.scope.is_empty() {
        s.append_pair("scope", &q.scope);
    }
    if !q.q.is_empty() {
        s.append_pair("q", &q.q);
    }
    s.append_pair("page", &page.to_string());
    format!("/cases?{}", s.finish())
}

/// The label of a workflow status.
pub fn status_label(t: Tr<'_>, status: &str) -> String {
    if STATUSES.contains(&status) {
        t.get(&format!("wb-status-{status}"))
    } else {
        status.to_string()
    }
}

/// `GET /cases`.
pub async fn cases(
    State(st): State<AppState>,
    Staff(viewer): Staff,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
) -> Response {
    let store = match store(&st) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let t = viewer.tr(&st, &headers);
    let page_no = q.page.unwrap_or(1).max(1);
    let mut query = CaseQuery {
        status: STATUSES
            .contains(&q.status.as_str())
            .then(|| q.status.clone()),
        title_contains: Some(q.q.trim().to_string()).filter(|s| !s.is_empty()),
        ..CaseQuery::default()
    };
    if q.scope == "mine" {
        query.adviser_id = Some(viewer.user.id);
    }
    if q.scope == "unassigned" {
        query.unassigned_only = true;
    }
    let query = restrict(&viewer.user, query);
    let skip = i64::from(page_no - 1) * PAGE_SIZE;
    let (rows, has_more) = {
        let page = CaseQuery {
            offset: skip,
            limit: PAGE_SIZE,
            ..query
        };
        match store.list_cases(&page).await {
            Ok(p) => (p.cases, p.has_more),
            Err(e) => return store_failed(&e, None),
        }
    };
    // Adviser names, looked up once each.
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for id in rows.iter().filter_map(|c| c.adviser_id) {
        if let std::collections::hash_map::Entry::Vacant(v) = names.entry(id) {
            let name = store
                .user(id)
                .await
                .map(|u| u.display_name)
                .unwrap_or_default();
            v.insert(name);
        }
    }
    let as_of = st.as_of();
    let lang = t.lang;
    let cards = rows
        .iter()
        .map(|c| {
            let tier = Tier::of_key(c.urgency);
            let due = c.next_deadline.and_then(from_civil);
            Card {
                href: format!("/cases/{}", c.id),
                title: if c.title.trim().is_empty() {
                    t.get("wb-untitled")
                } else {
                    c.title.clone()
                },
                status: status_label(t, &c.status),
                badge: t.get(tier.message_id()),
                badge_class: tier.class(),
                deadline: due
                    .map(|d| {
                        let date = qonys_i18n::format::date(lang, d);
                        if d < as_of {
                            st.messages().get_args(
                                lang,
                                "wb-deadline-overdue",
                                &[
                                    ("date", fluent_bundle::FluentValue::from(date)),
                                    (
                                        "count",
                                        fluent_bundle::FluentValue::from(d.days_until(as_of)),
                                    ),
                                ],
                            )
                        } else {
                            t.fmt("wb-next-deadline", &[("date", &date)])
                        }
                    })
                    .unwrap_or_default(),
                deadline_overdue: due.is_some_and(|d| d < as_of),
                adviser: c
                    .adviser_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_else(|| t.get("wb-unassigned")),
            }
        })
        .collect::<Vec<_>>();
    let mut statuses = vec![Opt {
        value: String::new(),
        label: t.get("wb-filter-any-status"),
        selected: q.status.is_empty(),
    }];
    statuses.extend(STATUSES.iter().map(|s| Opt {
        value: (*s).to_string(),
        label: status_label(t, s),
        selected: q.status == *s,
    }));
    let scope = match q.scope.as_str() {
        "mine" | "unassigned" => q.scope.as_str(),
        _ => "all",
    };
    let scopes = [
        ("all", "wb-scope-all"),
        ("mine", "wb-scope-mine"),
        ("unassigned", "wb-scope-unassigned"),
    ]
    .iter()
    .map(|(v, id)| Opt {
        value: (*v).to_string(),
        label: t.get(id),
        selected: scope == *v,
    })
    .collect();
    let count_text = st.messages().get_args(
        lang,
        "wb-cases-shown",
        &[("count", fluent_bundle::FluentValue::from(cards.len()))],
    );
    let back = link(&q, page_no);
    ListPage {
        page: Layout::signed_in(&st, &viewer, &headers, "wb-list-title", &back),
        cards,
        statuses,
        scopes,
        q: q.q.clone(),
        count_text,
        prev_href: if page_no > 1 {
            link(&q, page_no - 1)
        } else {
            String::new()
        },
        next_href: if has_more {
            link(&q, page_no + 1)
        } else {
            String::new()
        },
    }
    .into_response()
}
