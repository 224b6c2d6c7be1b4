//! The words of a reminder e-mail in the recipient's language, from the `mail.ftl` Fluent
//! messages of `qonys-i18n` (CLDR plurals: "через 1 день / 3 дня / 11 дней / 21 день") and
//! the deadline rule's own title and action in the rule pack.

use fluent_bundle::FluentValue;
use qonys_i18n::{Messages, format};
use qonys_law::pack::Confidence;
use qonys_law::{Date, Lang, Pack};

/// Who a reminder is written to: the wording differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientRole {
    /// The person whose case it is.
    Applicant,
    /// The adviser assigned to the case.
    Adviser,
}

/// A rendered reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// The reminder for deadline rule `rule` due on `due`, on `today`, in `lang`; `None` when the
/// pack has no such rule.
#[allow(clippy::too_many_arguments)]
pub fn render_deadline(
    messages: &Messages,
    pack: &Pack,
    lang: Lang,
    role: RecipientRole,
    name: &str,
    case_title: &str,
    rule: &str,
    due: Date,
    today: Date,
) -> Option<Rendered> {
    let rule = pack.deadlines.iter().find(|r| r.id == rule)?;
    let days = today.days_until(due).max(0);
    let title = rule.title.get(lang);
    let n = || FluentValue::from(days);
    let subject = messages.get_args(
        lang,
        "mail-deadline-subject",
        &[("days", n()), ("title", FluentValue::from(title))],
    );
    let when = messages.get_args(lang, "mail-deadline-when", &[("days", n())]);
    let mut lines = vec![messages.fmt(lang, "mail-greeting", &[("name", name)])];
    lines.push(match role {
        RecipientRole::Applicant => messages.get(lang, "mail-deadline-intro-applicant"),
        RecipientRole::Adviser => {
            messages.fmt(lang, "mail-deadline-intro-adviser", &[("case", case_title)])
        }
    });
    lines.push(String::new());
    lines.push(messages.fmt(lang, "mail-deadline-what", &[("title", title)]));
    lines.push(messages.fmt(
        lang,
        "mail-deadline-due",
        &[("date", &format::date(lang, due)), ("when", &when)],
    ));
    lines.push(messages.fmt(
        lang,
        "mail-deadline-action",
        &[("action", rule.action.get(lang))],
    ));
    if rule.provenance.confidence == Confidence::Uncertain
        && let Some(confirm) = &rule.provenance.uncertainty
    {
        lines.push(messages.fmt(
            lang,
            "mail-deadline-uncertain",
            &[("confirm", confirm.get(lang))],
        ));
    }
    lines.push(String::new());
    lines.push(match role {
        RecipientRole::Applicant => messages.get(lang, "mail-deadline-done"),
        RecipientRole::Adviser => messages.get(lang, "mail-deadline-done-adviser"),
    });
    lines.push(String::new());
    lines.push("-- ".into());
    lines.push(messages.get(lang, "mail-footer"));
    let mut body = lines.join("\n");
    body.push('\n');
    Some(Rendered { subject, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lang: Lang, role: RecipientRole, days: i32) -> Rendered {
        let pack = qonys_law::bundled::load().unwrap();
        let m = Messages::new();
        let today = Date::from_ymd(2026, 12, 6).unwrap();
        render_deadline(
            &m,
            &pack,
            lang,
            role,
            "Aigerim",
            "Case 42",
            "status.expiry",
            today.add_days(days),
            today,
        )
        .unwrap()
    }

    #[test]
    fn subjects_with_plurals_in_three_languages() {
        let s = |lang, days| render(lang, RecipientRole::Applicant, days).subject;
        assert_eq!(s(Lang::En, 0), "Due today: Your status ends");
        assert_eq!(s(Lang::En, 1), "Due tomorrow: Your status ends");
        assert_eq!(s(Lang::En, 7), "Due in 7 days: Your status ends");
        let t = "Окончание срока вашего статуса";
        assert_eq!(s(Lang::Ru, 0), format!("Срок сегодня: {t}"));
        assert_eq!(s(Lang::Ru, 1), format!("Срок завтра: {t}"));
        assert_eq!(s(Lang::Ru, 3), format!("Срок через 3 дня: {t}"));
        assert_eq!(s(Lang::Ru, 7), format!("Срок через 7 дней: {t}"));
        assert_eq!(s(Lang::Ru, 11), format!("Срок через 11 дней: {t}"));
        assert_eq!(s(Lang::Ru, 21), format!("Срок через 21 день: {t}"));
        assert_eq!(s(Lang::Ru, 22), format!("Срок через 22 дня: {t}"));
        assert_eq!(s(Lang::Ru, 30), format!("Срок через 30 дней: {t}"));
        let t = "Мәртебеңіздің мерзімі бітеді";
        assert_eq!(s(Lang::Kk, 0), format!("Мерзімі бүгін: {t}"));
        assert_eq!(s(Lang::Kk, 1), format!("Мерзімі ертең: {t}"));
        assert_eq!(s(Lang::Kk, 7), format!("Мерзіміне 7 күн қалды: {t}"));
        assert_eq!(s(Lang::Kk, 21), format!("Мерзіміне 21 күн қалды: {t}"));
    }

    #[test]
    fn bodies_name_the_deadline_date_and_action() {
        let en = render(Lang::En, RecipientRole::Applicant, 30).body;
        assert!(en.starts_with("Hello Aigerim,\n"), "{en}");
        assert!(en.contains("Due date: 5 January 2027 (in 30 days)"), "{en}");
        assert!(en.contains("What to do: Hold a new visa or permit"), "{en}");
        assert!(
            !en.contains("Case 42"),
            "the applicant's mail needs no case title"
        );

        let ru = render(Lang::Ru, RecipientRole::Adviser, 21).body;
        assert!(ru.starts_with("Здравствуйте, Aigerim!\n"), "{ru}");
        assert!(ru.contains("по делу «Case 42»"), "{ru}");
        assert!(ru.contains("(через 21 день)"), "{ru}");
        assert!(ru.contains("Что сделать: Со следующего дня"), "{ru}");

        let kk = render(Lang::Kk, RecipientRole::Applicant, 7).body;
        assert!(kk.starts_with("Сәлеметсіз бе, Aigerim!\n"), "{kk}");
        assert!(kk.contains("(7 күннен кейін)"), "{kk}");
        assert!(kk.contains("Не істеу керек: Келесі күннен"), "{kk}");

        // No message id leaks through untranslated, in any language.
        for lang in Lang::ALL {
            for role in [RecipientRole::Applicant, RecipientRole::Adviser] {
                let r = render(lang, role, 3);
                assert!(!r.subject.contains("mail-"), "{}", r.subject);
                assert!(!r.body.contains("mail-"), "{}", r.body);
            }
        }
    }

    #[test]
    fn uncertain_rules_say_what_to_confirm() {
        let pack = qonys_law::bundled::load().unwrap();
        let m = Messages::new();
        let today = Date::from_ymd(2026, 12, 6).unwrap();
        let r = render_deadline(
            &m,
            &pack,
            Lang::En,
            RecipientRole::Applicant,
            "A",
            "",
            "status.permit_extension_filing",
            today.add_days(7),
            today,
        )
        .unwrap();
        assert!(
            r.body.contains("Please confirm: No official deadline"),
            "{}",
            r.body
        );
        assert!(
            render_deadline(
                &m,
                &pack,
                Lang::En,
                RecipientRole::Applicant,
                "A",
                "",
                "no.such.rule",
                today,
                today
            )
            .is_none()
        );
    }
}
