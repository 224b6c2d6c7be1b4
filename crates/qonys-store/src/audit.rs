//! The hash chain of the audit log.
//!
//! Each record's hash is `sha256(prev_hash ‖ canonical(record))`, where `prev_hash` is the
//! previous record's hex hash (64 zeros for the first) and `canonical` is a JSON array of
//! the record's fields in a fixed order. Editing any field of any record, deleting or
//! reordering records breaks the chain at that point; [`crate::Store::verify_audit`] walks
//! it. Deleting records from the *tail* leaves a valid shorter chain: keep the head hash
//! from [`crate::AuditSummary`] elsewhere (e.g. in the daily backup log) to detect that.

use sha2::{Digest, Sha256};

use crate::model::AuditRecord;

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of a record that the hash covers, in stored form.
pub(crate) struct Canonical<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor_id: Option<&'a str>,
    pub origin: &'a str,
    pub action: &'a str,
    pub case_id: Option<&'a str>,
    pub object_id: Option<&'a str>,
    pub fields: &'a str,
}

impl Canonical<'_> {
    /// `sha256(prev_hash ‖ canonical)` as lower-case hex.
    pub fn hash(&self, prev_hash: &str) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at,
            self.actor_id,
            self.origin,
            self.action,
            self.case_id,
            self.object_id,
            self.fields,
        ]);
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(canonical.to_string().as_bytes());
        hex::encode(h.finalize())
    }
}

/// Recomputes the hash of a decoded record (for callers that hold records).
pub fn record_hash(r: &AuditRecord) -> String {
    let at = crate::time::ts_text(r.at);
    let actor = r.actor_id.map(|u| u.to_string());
    let case = r.case_id.map(|u| u.to_string());
    let object = r.object_id.map(|u| u.to_string());
    let fields = r.fields.join(",");
    Canonical {
        seq: r.seq,
        at: &at,
        actor_id: actor.as_deref(),
        origin: &r.origin,
        action: &r.action,
        case_id: case.as_deref(),
        object_id: object.as_deref(),
        fields: &fields,
    }
    .hash(&r.prev_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_changes_with_every_field_and_the_previous_hash() {
        let base = Canonical {
            seq: 1,
            at: "2026-01-01T00:00:00.000000Z",
            actor_id: None,
            origin: "cli",
            action: "case.create",
            case_id: Some("c"),
            object_id: None,
            fields: "title,facts",
        };
        let h = base.hash(GENESIS_HASH);
        assert_eq!(h.len(), 64);
        assert_ne!(h, base.hash(&h));
        let edited = Canonical {
            fields: "title",
            ..base
        };
        assert_ne!(h, edited.hash(GENESIS_HASH));
        let edited = Canonical { seq: 2, ..edited };
        assert_ne!(h, edited.hash(GENESIS_HASH));
    }
}
