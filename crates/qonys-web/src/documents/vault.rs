//! Encryption at rest of uploaded document files: AES-256-GCM with a random 96-bit nonce
//! per file and the case id ‖ document id as associated data, so a file copied onto another
//! document's record (or another case) fails to decrypt. Stored format, version 1:
//! `QNY1` ‖ nonce (12 bytes) ‖ ciphertext with its 16-byte tag.
//!
//! The key comes from configuration (a key file of 32 bytes, raw or hex), never from the
//! database; `Debug` prints nothing of it and nothing here logs it.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore;
use uuid::Uuid;

/// The magic and version prefix of a stored file.
pub const MAGIC: &[u8; 4] = b"QNY1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// The 256-bit key that encrypts document files.
#[derive(Clone)]
pub struct DocumentKey([u8; 32]);

impl std::fmt::Debug for DocumentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DocumentKey(..)")
    }
}

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read or written.
    #[error("document key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file holds neither 32 raw bytes nor 64 hex digits.
    #[error(
        "document key file {path}: expected 32 random bytes, raw or as 64 hex digits ({len} bytes found)"
    )]
    Malformed {
        /// The file.
        path: String,
        /// How many bytes it holds.
        len: usize,
    },
}

/// Why a stored file could not be decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not a `QNY1` file, or too short.
    #[error("stored file format unknown")]
    Format,
    /// Wrong key, wrong case or document, or the bytes were altered.
    #[error("stored file does not authenticate for this document")]
    Authentication,
}

impl DocumentKey {
    /// A key from 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> DocumentKey {
        DocumentKey(bytes)
    }

    /// A new random key.
    pub fn generate() -> DocumentKey {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        DocumentKey(b)
    }

    /// Reads a key file's contents: exactly 32 raw bytes, or 64 hex digits (surrounding
    /// whitespace allowed).
    pub fn parse(contents: &[u8]) -> Option<DocumentKey> {
        if let Ok(text) = std::str::from_utf8(contents) {
            let t = text.trim();
            if t.len() == 64
                && let Ok(v) = hex::decode(t)
                && let Ok(b) = <[u8; 32]>::try_from(v.as_slice())
            {
                return Some(DocumentKey(b));
            }
        }
        <[u8; 32]>::try_from(contents).ok().map(DocumentKey)
    }

    /// Reads the key file at `path`.
    pub fn from_file(path: &Path) -> Result<DocumentKey, KeyError> {
        let bytes = std::fs::read(path).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        DocumentKey::parse(&bytes).ok_or(KeyError::Malformed {
            path: path.display().to_string(),
            len: bytes.len(),
        })
    }

    /// Reads the key file at `path`, or — when there is none — makes a new random key and
    /// writes it there as hex, readable by the owner only (0600). The flag says whether it
    /// was created.
    pub fn load_or_create(path: &Path) -> Result<(DocumentKey, bool), KeyError> {
        if path.exists() {
            return DocumentKey::from_file(path).map(|k| (k, false));
        }
        let key = DocumentKey::generate();
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(io)?;
        f.write_all(hex::encode(key.0).as_bytes()).map_err(io)?;
        f.write_all(b"\n").map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok((key, true))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0))
    }

    /// Encrypts a file for document `document_id` of case `case_id`.
    pub fn seal(&self, case_id: Uuid, document_id: Uuid, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = associated_data(case_id, document_id);
        // Encryption only fails for inputs beyond GCM's 64 GiB limit; uploads are capped
        // far below it, so an empty result cannot be produced for a real upload.
        let ct = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + ct.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts a stored file of document `document_id` of case `case_id`.
    pub fn open(
        &self,
        case_id: Uuid,
        document_id: Uuid,
        stored: &[u8],
    ) -> Result<Vec<u8>, OpenError> {
        if stored.len() < MAGIC.len() + NONCE_LEN + TAG_LEN || &stored[..MAGIC.len()] != MAGIC {
            return Err(OpenError::Format);
        }
        let (nonce, ct) = stored[MAGIC.len()..].split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| OpenError::Format)?;
        let aad = associated_data(case_id, document_id);
        self.cipher()
            .decrypt(&Nonce::from(nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| OpenError::Authentication)
    }
}

/// Case id ‖ document id (32 bytes), behind the format tag.
fn associated_data(case_id: Uuid, document_id: Uuid) -> Vec<u8> {
    let mut aad = Vec::with_capacity(36);
    aad.extend_from_slice(MAGIC);
    aad.extend_from_slice(case_id.as_bytes());
    aad.extend_from_slice(document_id.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let k = DocumentKey::generate();
        let (c, d, d2) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let plain = b"%PDF-1.7 secret passport scan";
        let sealed = k.seal(c, d, plain);
        assert!(sealed.starts_with(MAGIC));
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(k.open(c, d, &sealed).unwrap(), plain);
        // Another document, another case, another key, an altered byte: all refused.
        assert_eq!(k.open(c, d2, &sealed), Err(OpenError::Authentication));
        assert_eq!(k.open(d2, d, &sealed), Err(OpenError::Authentication));
        assert_eq!(
            DocumentKey::generate().open(c, d, &sealed),
            Err(OpenError::Authentication)
        );
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(k.open(c, d, &bad), Err(OpenError::Authentication));
        let mut v2 = sealed.clone();
        v2[3] = b'2';
        assert_eq!(k.open(c, d, &v2), Err(OpenError::Format));
        assert_eq!(k.open(c, d, b"QNY1"), Err(OpenError::Format));
        // A fresh nonce per file: the same plaintext never seals to the same bytes.
        assert_ne!(k.seal(c, d, plain), sealed);
    }

    #[test]
    fn key_files_raw_hex_and_created() {
        let raw = [7u8; 32];
        assert!(DocumentKey::parse(&raw).is_some());
        let hex_text = format!("  {}\n", hex::encode(raw));
        let k = DocumentKey::parse(hex_text.as_bytes()).unwrap();
        assert_eq!(k.0, raw);
        assert!(DocumentKey::parse(b"too short").is_none());
        assert!(DocumentKey::parse(&[1u8; 33]).is_none());
        assert_eq!(format!("{k:?}"), "DocumentKey(..)");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("document.key");
        let (k1, created) = DocumentKey::load_or_create(&path).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (k2, created) = DocumentKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(k1.0, k2.0);
    }
}
