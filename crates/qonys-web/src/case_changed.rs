//! What follows every change to a case that can move its deadlines: the e-mail reminders are
//! planned again from the case as it now stands (`qonys_notify::schedule_for_case`: 30, 7
//! and 1 day before each upcoming deadline; pending ones replaced, sent ones kept). Called
//! after each successful update of facts, history, status, adviser or applicant, by the
//! workbench, the portal, the API and the invitation redemption. A failure here is logged
//! (ids only) and does not undo the change: the worker re-checks the plan at send time.

use qonys_store::{Actor, Case};

use crate::AppState;

/// Plans the case's reminders again.
pub async fn after_case_change(st: &AppState, actor: &Actor, case: &Case) {
    let Some(store) = st.store() else { return };
    if let Err(e) =
        qonys_notify::schedule_for_case(store.as_ref(), actor, st.pack(), case, st.as_of()).await
    {
        tracing::warn!(case = %case.id, error = %e, "planning the case's reminders failed");
    }
}
