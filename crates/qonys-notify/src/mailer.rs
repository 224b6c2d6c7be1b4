//! [`Mailer`]: sends reminder e-mails over SMTP with `lettre`.
//!
//! Plain SMTP to a configurable `host:port` (an MTA or relay on the same host or network,
//! which does TLS onwards). This build has no TLS to the SMTP server: `lettre` is built
//! without a TLS backend, so STARTTLS is not offered rather than half-offered. Every message
//! carries an `X-Qonys-Reminder` header with the reminder's id, so a delivery can be traced
//! (and a test can count deliveries) without reading personal data.
//!
//! Errors are split into [`MailError::Permanent`] (the server refused this message or
//! recipient for good: do not retry) and [`MailError::Transient`] (connection or temporary
//! failure: give the reminder back and retry later). Error texts never hold addresses.

use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Tokio1Executor};
use uuid::Uuid;

/// How to reach the SMTP server.
#[derive(Debug, Clone)]
pub struct MailerConfig {
    /// Host name or address of the SMTP server.
    pub host: String,
    /// Port (25 or 587 for a relay; anything for a test sink).
    pub port: u16,
    /// The sender, `noreply@example.kz` or `qonys <noreply@example.kz>`.
    pub from: String,
    /// Connection and command timeout.
    pub timeout: Duration,
}

impl MailerConfig {
    /// Reads `HOST:PORT` (`[::1]:25` for IPv6), with `from` and a 30-second timeout.
    pub fn parse(host_port: &str, from: &str) -> Result<MailerConfig, MailError> {
        let bad = || MailError::Config(format!("expected HOST:PORT, got `{host_port}`"));
        let (host, port) = host_port.rsplit_once(':').ok_or_else(bad)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(bad());
        }
        let port = port.parse().map_err(|_| bad())?;
        Ok(MailerConfig {
            host: host.to_string(),
            port,
            from: from.to_string(),
            timeout: Duration::from_secs(30),
        })
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The configuration is unusable (bad sender address, bad host:port).
    #[error("mail configuration: {0}")]
    Config(String),
    /// The recipient's address is not an e-mail address (retrying will not help).
    #[error("the recipient address is not valid")]
    BadRecipient,
    /// The server refused for good (5xx); retrying will not help.
    #[error("the SMTP server refused the message: {0}")]
    Permanent(String),
    /// The server could not be reached or answered with a temporary failure; retry later.
    #[error("sending failed, will retry: {0}")]
    Transient(String),
}

impl MailError {
    /// Whether retrying later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, MailError::Transient(_))
    }
}

/// One message to send.
#[derive(Clone)]
pub struct OutgoingMail {
    /// Recipient address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// The reminder it delivers (header `X-Qonys-Reminder`).
    pub reminder_id: Uuid,
    /// Content language (`en`, `ru`, `kk`; header `Content-Language`).
    pub language: String,
}

impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("reminder_id", &self.reminder_id)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

/// The `X-Qonys-Reminder` header: the reminder id.
#[derive(Debug, Clone)]
struct ReminderHeader(String);

impl Header for ReminderHeader {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Qonys-Reminder")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ReminderHeader(s.trim().to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The `Content-Language` header.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ContentLanguage(s.trim().to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Sends e-mail through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `config` (no connection is made until the first message).
    pub fn new(config: &MailerConfig) -> Result<Mailer, MailError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|_| MailError::Config("--mail-from is not an e-mail address".into()))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .timeout(Some(config.timeout))
            .build();
        Ok(Mailer {
            transport,
            from,
            server: format!("{}:{}", config.host, config.port),
        })
    }

    /// The server it sends to (`host:port`), for start-up messages.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Builds the message (public for tests of its headers).
    pub fn message(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to: Mailbox = mail.to.parse().map_err(|_| MailError::BadRecipient)?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ReminderHeader(mail.reminder_id.to_string()))
            .header(ContentLanguage(mail.language.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| MailError::Permanent(format!("cannot build the message: {e}")))
    }

    /// Sends one message.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = self.message(mail)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(MailError::Permanent(smtp_error_text(&e))),
            Err(e) => Err(MailError::Transient(smtp_error_text(&e))),
        }
    }
}

/// An SMTP error described without the server's free text (which may echo an address).
fn smtp_error_text(e: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = e.status() {
        format!("SMTP status {code}")
    } else if e.is_timeout() {
        "timed out".into()
    } else if e.is_transient() {
        "temporary failure".into()
    } else {
        "connection failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_and_from() {
        let c = MailerConfig::parse("127.0.0.1:2525", "qonys <noreply@example.kz>").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 2525));
        let c = MailerConfig::parse("[::1]:25", "a@b.kz").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("::1", 25));
        assert!(MailerConfig::parse("localhost", "a@b.kz").is_err());
        assert!(MailerConfig::parse(":25", "a@b.kz").is_err());
        assert!(MailerConfig::parse("h:port", "a@b.kz").is_err());
        let bad_from = MailerConfig::parse("h:25", "not an address").unwrap();
        assert!(matches!(Mailer::new(&bad_from), Err(MailError::Config(_))));
    }

    #[test]
    fn messages_carry_the_reminder_id_and_encode_cyrillic() {
        let m = Mailer::new(&MailerConfig::parse("127.0.0.1:25", "noreply@example.kz").unwrap())
            .unwrap();
        let id = Uuid::now_v7();
        let mail = OutgoingMail {
            to: "applicant@example.kz".into(),
            subject: "Срок через 3 дня".into(),
            body: "Здравствуйте!\n".into(),
            reminder_id: id,
            language: "ru".into(),
        };
        let text = String::from_utf8(m.message(&mail).unwrap().formatted()).unwrap();
        assert!(
            text.contains(&format!("X-Qonys-Reminder: {id}\r\n")),
            "{text}"
        );
        assert!(text.contains("Content-Language: ru\r\n"), "{text}");
        assert!(
            text.contains("Subject: =?utf-8?"),
            "encoded subject: {text}"
        );
        assert!(
            !text.contains("Срок"),
            "headers and body are 7-bit encoded: {text}"
        );
        let bad = OutgoingMail {
            to: "nobody".into(),
            ..mail
        };
        assert!(matches!(m.message(&bad), Err(MailError::BadRecipient)));
        assert!(
            !format!("{bad:?}").contains("nobody"),
            "Debug hides the address"
        );
    }
}
