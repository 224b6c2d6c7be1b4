//! The guided interview, derived from the rule pack itself: which fact to ask next (the one
//! that decides the most still-open routes, weighted by the pack's `ask_weight`), why it is
//! asked (the routes and clauses it decides), typed reading of the person's replies, and a
//! session with start / answer / back / why / result that the terminal and the web share.
//!
//! A fact that cannot change any verdict is never asked, "I don't know" is a valid answer
//! (and is never asked again), and changing an earlier answer re-evaluates everything and sets
//! aside answers that no longer matter (see [`Interview`] for the exact rule).

pub mod next;
pub mod session;
pub mod typed;

pub use next::{Pick, Selector, next_fact, why};
pub use session::{Answer, Interview, Question, SetAside};
pub use typed::{BadAnswer, is_unknown_word, read_answer};
