//! Reading identity documents: transliteration of names between Cyrillic (Russian and
//! Kazakh) and Latin, comparison of name spellings, machine-readable zones (MRZ) and the
//! date spellings found on documents. Pure functions; nothing here panics on any input.

pub mod dates;
pub mod mrz;
pub mod names;
pub mod translit;
