//! Everything qonys says to people, in English, Russian and Kazakh: the Fluent message
//! catalogue for the interface ([`Messages`]), the formatting of numbers, money and dates per
//! language ([`format`]), and the rendering of the core's structured assessments into
//! reports with sentences ([`report`]) that the CLI prints and the web and JSON API serve.

pub mod check;
pub mod checklist;
pub mod format;
mod messages;
pub mod plan;
pub mod report;

pub use messages::{AREAS, MESSAGE_FILES, Messages};
pub use qonys_law::Lang;
