//! Interface messages.
