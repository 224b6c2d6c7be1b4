//! Password hashing: Argon2id with parameters at or above the OWASP minimum (m = 19 MiB,
//! t = 2, p = 1), stored in the PHC string with the hash, and the check at login that says
//! whether a stored hash is weaker than the current policy and must be upgraded.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost of new hashes, in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Iterations of new hashes.
pub const ITERATIONS: u32 = 2;
/// Parallelism of new hashes.
pub const PARALLELISM: u32 = 1;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted (bounds the hashing work an attacker can ask for).
pub const MAX_LENGTH: usize = 256;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .unwrap_or_else(|_| Params::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password with the current parameters; the PHC string to store.
pub fn hash(password: &str) -> Result<String, String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// What a password check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The password is wrong, or the stored hash cannot be read.
    Wrong,
    /// The password is right and the hash meets the policy.
    Right,
    /// The password is right but the hash is weaker than the policy (or not Argon2id):
    /// store a new hash now.
    RightButUpgrade,
}

/// Whether a stored PHC hash meets the current policy.
pub fn meets_policy(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    if parsed.algorithm.as_str() != "argon2id" {
        return false;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    params.m_cost() >= MEMORY_KIB && params.t_cost() >= ITERATIONS && params.p_cost() >= PARALLELISM
}

/// Checks a password against a stored PHC hash (any Argon2 variant and parameters).
pub fn verify(password: &str, phc: &str) -> Verdict {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return Verdict::Wrong;
    };
    if Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verdict::Wrong;
    }
    if meets_policy(phc) {
        Verdict::Right
    } else {
        Verdict::RightButUpgrade
    }
}

/// Spends the time of one verification when there is no account, so that response time does
/// not tell which e-mail addresses have accounts.
pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("not a real password at all").unwrap_or_default());
    let _ = verify(password, phc);
}

/// Whether a new password is acceptable; the message id of the problem if not.
pub fn check_new(password: &str, confirm: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err("web-auth-error-password-short");
    }
    if n > MAX_LENGTH {
        return Err("web-auth-error-password-long");
    }
    if password != confirm {
        return Err("web-auth-error-password-mismatch");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_hashes_are_argon2id_at_the_policy() {
        let h = hash("correct horse battery staple").expect("hashes");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(meets_policy(&h));
        assert_eq!(verify("correct horse battery staple", &h), Verdict::Right);
        assert_eq!(verify("correct horse battery stapl", &h), Verdict::Wrong);
        assert_eq!(verify("x", "not a hash"), Verdict::Wrong);
    }

    #[test]
    fn weaker_hashes_verify_but_ask_for_an_upgrade() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).expect("params"),
        )
        .hash_password(b"old password 123")
        .expect("hashes")
        .to_string();
        assert!(!meets_policy(&weak));
        assert_eq!(verify("old password 123", &weak), Verdict::RightButUpgrade);
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(MEMORY_KIB, 3, 1, None).expect("params"),
        )
        .hash_password(b"old password 123")
        .expect("hashes")
        .to_string();
        assert_eq!(
            verify("old password 123", &argon2i),
            Verdict::RightButUpgrade
        );
    }

    #[test]
    fn new_passwords_are_checked() {
        assert_eq!(
            check_new("short", "short"),
            Err("web-auth-error-password-short")
        );
        assert_eq!(
            check_new("long enough password", "long enough passwort"),
            Err("web-auth-error-password-mismatch")
        );
        assert!(check_new("long enough password", "long enough password").is_ok());
    }
}
