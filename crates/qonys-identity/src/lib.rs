//! Reading identity documents: transliteration of names between Cyrillic (Russian and
//! Kazakh) and Latin, comparison of name spellings, machine-readable zones (MRZ) and the
//! date spellings found on documents. Pure functions; nothing here panics on any input.
//!
//! * [`translit`] — Cyrillic → Latin under ICAO Doc 9303, the 1997 Russian passport
//!   system, GOST 7.79-2000 system B and BGN/PCGN, as one data table; script detection.
//! * [`names`] — [`names::PersonName`] parsing and [`names::compare`]: same / known
//!   variant / different, with coded findings (gendered surname, swapped order,
//!   patronymic, mixed-script look-alikes, …). The passport is always the reference.
//! * [`mrz`] — ICAO 9303 TD1, TD2, TD3, MRV-A and MRV-B zones with every check digit
//!   verified, rendering back to lines, and comparison with a stated identity.
//! * [`dates`] — date spellings (ISO, numeric, English, Russian, Kazakh month names) with
//!   ambiguity flagged, and day/month swap detection.
//!
//! Architecture invariants: no IO and no clock — a reference date is always an argument;
//! every parser returns a typed error naming what was expected, and has a property test
//! and a fuzz target (`fuzz/`) showing it does not panic.

pub mod dates;
pub mod mrz;
pub mod names;
pub mod translit;
