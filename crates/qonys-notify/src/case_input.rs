//! A stored case (pack-independent JSON in the store) read as the core's inputs: its facts
//! bound to the pack and its residence history, the same shapes a case file gives
//! (`qonys plan CASE_FILE`).
//!
//! The stored `history` is either an object with the case file's sections
//! (`{"status": [...], "event": [...]}`) or an array of entries, where an entry with
//! `valid_from` is a status period and one with `date` an event. Reading is lenient, because
//! a reminder must not be lost to one bad answer: a fact that does not bind to the pack is
//! left unknown, and a history section that does not read is left empty.

use std::collections::BTreeMap;

use qonys_law::case::{History, RawValue, bind_table};
use qonys_law::{CaseFile, Facts, Pack};
use qonys_store::Case;
use serde_json::{Value, json};

/// The case's facts bound to `pack` (unbindable answers left unknown).
pub fn facts(pack: &Pack, case: &Case) -> Facts {
    let mut out = Facts::empty(pack);
    let Some(map) = case.facts.as_object() else {
        return out;
    };
    for (key, value) in map {
        let Ok(Some(raw)) = RawValue::from_json(value.clone()) else {
            continue;
        };
        let one = BTreeMap::from([(key.clone(), raw)]);
        if let (Ok(bound), Some(idx)) = (bind_table(pack, &one, "facts"), pack.fact_idx(key)) {
            out.set(idx, bound.get(idx));
        }
    }
    out
}

/// The case's residence history (sections that do not read are left empty).
pub fn history(case: &Case) -> History {
    let (statuses, events) = split_history(&case.history);
    let mut out = History::default();
    for (section, items) in [("status", statuses), ("event", events)] {
        if items.is_empty() {
            continue;
        }
        let text = json!({ section: items }).to_string();
        if let Ok(file) = CaseFile::parse_json(&text) {
            for s in file.history.statuses {
                out.push_status(s);
            }
            for e in file.history.events {
                out.push_event(e);
            }
        }
    }
    out
}

fn split_history(h: &Value) -> (Vec<Value>, Vec<Value>) {
    match h {
        Value::Object(m) => {
            let list = |k: &str| {
                m.get(k)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            (list("status"), list("event"))
        }
        Value::Array(items) => {
            let (mut s, mut e) = (Vec::new(), Vec::new());
            for it in items {
                if it.get("valid_from").is_some() {
                    s.push(it.clone());
                } else if it.get("date").is_some() {
                    e.push(it.clone());
                }
            }
            (s, e)
        }
        _ => (Vec::new(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(facts: Value, history: Value) -> Case {
        Case {
            id: uuid::Uuid::now_v7(),
            title: String::new(),
            status: "open".into(),
            adviser_id: None,
            applicant_id: None,
            firm_id: None,
            language: "en".into(),
            facts,
            history,
            urgency: 0,
            next_deadline: None,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
            version: 1,
        }
    }

    #[test]
    fn reads_both_history_shapes_and_skips_bad_parts() {
        let pack = qonys_law::bundled::load().unwrap();
        let status = json!({"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2026-03-20", "valid_to": "2027-03-19"});
        let event = json!({"kind": "arrival", "date": "2026-03-20"});
        let a = history(&case(
            json!({}),
            json!({"status": [status.clone()], "event": [event.clone()]}),
        ));
        let b = history(&case(json!({}), json!([status.clone(), event.clone()])));
        assert_eq!(a, b);
        assert_eq!(a.statuses.len(), 1);
        assert_eq!(a.events.len(), 1);
        // A bad event section does not cost the statuses.
        let c = history(&case(
            json!({}),
            json!({"status": [status], "event": [{"kind": "no_such_event", "date": "2026-01-01"}]}),
        ));
        assert_eq!(c.statuses.len(), 1);
        assert!(c.events.is_empty());

        // One bad answer leaves that fact unknown, the others bound.
        let f = facts(
            &pack,
            &case(
                json!({"citizenship": "DE", "stay_goal": "not_an_option", "no_such_fact": 1}),
                Value::Null,
            ),
        );
        let cit = pack.fact_idx("citizenship").unwrap();
        let goal = pack.fact_idx("stay_goal").unwrap();
        assert!(f.is_answered(cit));
        assert!(!f.is_answered(goal));
    }
}
